"""The embedding map is the PCA of the model's own embedding rows, and the neighbours are its cosines."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.data.tokenizers import SPECIALS
from seqviz.errors import InputError
from seqviz.explain.embeddings import embedding_map, nearest, pca_2d
from seqviz.viz.embeddings import embedding_scatter
from tests.support.vega_read import schema_errors

SHIPPED = {info.name: info for info in list_checkpoints()}


def test_pca_matches_the_covariance_eigenvectors():
    generator = torch.Generator().manual_seed(0)
    vectors = torch.randn(40, 6, generator=generator) * torch.tensor([5.0, 3.0, 1.0, 0.5, 0.2, 0.1])
    points, explained = pca_2d(vectors)
    centred = vectors.double().numpy() - vectors.double().numpy().mean(0)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(centred, rowvar=False, bias=True))
    top = eigenvectors[:, ::-1][:, :2]
    expected = centred @ top
    for k in range(2):  # equal up to the sign of each axis
        column = points[:, k].numpy()
        assert np.allclose(np.abs(column), np.abs(expected[:, k]), atol=1e-8)
        assert np.allclose(column, expected[:, k], atol=1e-8) or np.allclose(
            column, -expected[:, k], atol=1e-8
        )
    assert explained == pytest.approx(tuple(eigenvalues[::-1][:2] / eigenvalues.sum()), rel=1e-9)
    again, _ = pca_2d(vectors.clone())
    assert torch.equal(points, again)  # signs fixed: the same weights draw the same picture


def test_map_and_neighbours_of_a_shipped_model():
    checkpoint = load_checkpoint(SHIPPED["en-zh-lstm-bahdanau"].path)
    target = embedding_map(checkpoint, "target")
    assert not set(target.tokens) & set(SPECIALS)
    assert "猫" in target.tokens and target.dimensions == checkpoint.config.embedding_size
    assert len(target.x) == len(target.y) == len(target.tokens)
    with_specials = embedding_map(checkpoint, "target", include_specials=True)
    assert with_specials.tokens[:4] == list(SPECIALS)
    weight = checkpoint.model.decoder.embedding.weight.detach()
    vocab = checkpoint.target_vocab.tokens
    rows = [i for i, token in enumerate(vocab) if token not in SPECIALS]
    unit = torch.nn.functional.normalize(weight[rows], dim=1)
    query = unit[rows.index(vocab.index("猫"))]
    cosines = {vocab[rows[i]]: float(unit[i] @ query) for i in range(len(rows)) if vocab[rows[i]] != "猫"}
    expected = sorted(cosines.items(), key=lambda item: -item[1])[:8]
    found = nearest(checkpoint, "target", "猫")
    assert [token for token, _ in found] == [token for token, _ in expected]
    assert [score for _, score in found] == pytest.approx([score for _, score in expected], abs=1e-6)
    spec = embedding_scatter(target, "猫", [token for token, _ in found])
    assert schema_errors(spec) == []
    points = spec["datasets"]["points"]
    assert dict(zip(points["token"], points["x"], strict=True)) == dict(
        zip(target.tokens, target.x, strict=True)
    )
    assert points["token"].iloc[-1] == "猫" and points["colour"].iloc[-1] == "#d62728"  # drawn last, on top


def test_bad_requests_are_clear_messages():
    checkpoint = load_checkpoint(SHIPPED["charlm-lstm"].path)
    assert embedding_map(checkpoint, "tokens").tokens
    with pytest.raises(InputError):
        embedding_map(checkpoint, "source")
    with pytest.raises(InputError):
        nearest(checkpoint, "tokens", "😀")
    with pytest.raises(InputError):
        nearest(checkpoint, "tokens", "<eos>")
