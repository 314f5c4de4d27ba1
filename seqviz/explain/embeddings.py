"""The learned embeddings, flattened to a 2-D map: principal component analysis of the embedding rows.

PCA keeps the two directions along which the token vectors vary most, so tokens the model treats alike
land close together (digits near digits, months near months, 猫 near 狗). The map is a projection: the
explained-variance ratios say how much of the geometry survives, and ``nearest`` measures similarity in the
full space (cosine), not on the flattened picture.
"""

from __future__ import annotations

import torch

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tokenizers import SPECIALS
from seqviz.errors import InputError
from seqviz.explain.results import EmbeddingMap


def embedding_tables(checkpoint: Checkpoint) -> dict[str, tuple[list[str], torch.Tensor]]:
    """Each embedding matrix of the model with the tokens of its rows: source and target for a seq2seq
    model, one table for a language model."""
    model = checkpoint.model
    if checkpoint.kind == "language_model":
        return {"tokens": (checkpoint.target_vocab.tokens, model.embedding.weight)}
    assert checkpoint.source_vocab is not None
    return {
        "source": (checkpoint.source_vocab.tokens, model.encoder.embedding.weight),
        "target": (checkpoint.target_vocab.tokens, model.decoder.embedding.weight),
    }


def pca_2d(vectors: torch.Tensor) -> tuple[torch.Tensor, tuple[float, float]]:
    """Rows of ``vectors`` projected on their two principal axes, and the variance share of each.

    Signs of principal axes are arbitrary; each axis is flipped so its largest loading is positive, so the
    same weights always draw the same picture.
    """
    if vectors.shape[0] < 3:
        raise InputError("a map needs at least three tokens")
    centred = vectors.double() - vectors.double().mean(0, keepdim=True)
    _, singular, axes_t = torch.linalg.svd(centred, full_matrices=False)
    axes = axes_t[:2]
    flip = torch.sign(axes.gather(1, axes.abs().argmax(1, keepdim=True))).squeeze(1)
    axes = axes * flip[:, None]
    variance = singular**2
    total = float(variance.sum()) or 1.0
    return centred @ axes.T, (float(variance[0]) / total, float(variance[1]) / total)


def embedding_map(checkpoint: Checkpoint, side: str, include_specials: bool = False) -> EmbeddingMap:
    """The 2-D PCA map of one embedding table (``side``: source, target or tokens)."""
    tables = embedding_tables(checkpoint)
    if side not in tables:
        raise InputError(f"{checkpoint.name} has embeddings for {', '.join(tables)}, not {side!r}")
    tokens, weight = tables[side]
    keep = [i for i, token in enumerate(tokens) if include_specials or token not in SPECIALS]
    with torch.no_grad():
        points, explained = pca_2d(weight.detach().float().cpu()[keep])
    return EmbeddingMap(
        side,
        [tokens[i] for i in keep],
        points[:, 0].tolist(),
        points[:, 1].tolist(),
        explained,
        int(weight.shape[1]),
    )


def nearest(checkpoint: Checkpoint, side: str, token: str, count: int = 8) -> list[tuple[str, float]]:
    """The ``count`` tokens whose embeddings are most similar (cosine, in the full space) to ``token``'s."""
    tables = embedding_tables(checkpoint)
    if side not in tables:
        raise InputError(f"{checkpoint.name} has embeddings for {', '.join(tables)}, not {side!r}")
    tokens, weight = tables[side]
    if token not in tokens:
        raise InputError(f"{token!r} is not in the {side} vocabulary")
    keep = [i for i, other in enumerate(tokens) if other not in SPECIALS]
    with torch.no_grad():
        vectors = torch.nn.functional.normalize(weight.detach().float().cpu()[keep], dim=1)
        query = vectors[keep.index(tokens.index(token))] if token not in SPECIALS else None
        if query is None:
            raise InputError(f"{token!r} is a special token; pick a real one")
        similarity = vectors @ query
    order = similarity.argsort(descending=True).tolist()
    ranked = [(tokens[keep[i]], float(similarity[i])) for i in order if tokens[keep[i]] != token]
    return ranked[:count]
