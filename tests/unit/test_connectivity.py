"""Connectivity through time: every cell equals a Jacobian norm computed independently with
``torch.autograd.functional.jacobian``, the future is exactly zero for one-direction models, truncated BPTT
equals a hand-written truncated computation, explaining leaves the model bit-identical, hostile text gives
an InputError or <unk>; the figure draws exactly these numbers and the CSV writes them."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
import torch
from torch import nn

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.data.vocab import EOS_ID, SOS_ID
from seqviz.errors import InputError
from seqviz.explain import connectivity as conn
from seqviz.export.csv_export import connectivity_csv
from seqviz.models import LanguageModel
from seqviz.models.config import LanguageModelConfig
from seqviz.viz.lm import connectivity_heatmaps
from tests.support.vega_read import heatmaps, schema_errors

LANGUAGE_MODELS = ("charlm-lstm", "charlm-zh-lstm")
SHIPPED = {info.name: info.path for info in list_checkpoints()}
TEXTS = {"charlm-lstm": "the cat sat on the mat.", "charlm-zh-lstm": "今天的天气很好。"}


@pytest.fixture(scope="module", params=LANGUAGE_MODELS)
def shipped(request):
    return load_checkpoint(SHIPPED[request.param])


def _norms(jacobian: torch.Tensor) -> np.ndarray:
    """``[T, *out, T, F]`` -> ``[T, T]``: the Frobenius norm of each ``d out_t / d x_t'``."""
    steps = jacobian.shape[0]
    return jacobian.reshape(steps, -1, steps, jacobian.shape[-1]).pow(2).sum((1, 3)).sqrt().numpy()


def _hidden_jacobian(module: nn.RNNBase, inputs: torch.Tensor) -> np.ndarray:
    return _norms(torch.autograd.functional.jacobian(lambda x: module(x[None])[0][0], inputs))


def _next_token_jacobian(model: nn.Module, inputs: list[int], targets: list[int]) -> np.ndarray:
    """The language model's own pieces in eval mode, differentiated by ``jacobian`` one output at a time."""
    embedded = model.embedding.weight[torch.tensor(inputs)].detach()
    picked = torch.tensor(targets)[:, None]

    def scores(x: torch.Tensor) -> torch.Tensor:
        log_probs = torch.log_softmax(model.projection(model.rnn(x[None])[0][0]), -1)
        return log_probs.gather(1, picked).squeeze(1)

    return _norms(torch.autograd.functional.jacobian(scores, embedded)[:, None])


def _toy_rnns() -> dict[str, nn.RNNBase]:
    torch.manual_seed(0)
    return {
        "rnn": nn.RNN(3, 5, batch_first=True),
        "lstm-2-layers": nn.LSTM(3, 4, num_layers=2, batch_first=True),
        "gru": nn.GRU(3, 4, batch_first=True),
        "bilstm": nn.LSTM(3, 4, batch_first=True, bidirectional=True),
    }


@pytest.mark.parametrize("name", list(_toy_rnns()))
def test_toy_rnn_matrix_equals_jacobian_norms(name):
    module = _toy_rnns()[name].double().eval()
    inputs = torch.randn(7, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    full, truncated = conn.hidden_connectivity(module, inputs)
    assert truncated is None
    np.testing.assert_allclose(np.array(full), _hidden_jacobian(module, inputs), rtol=1e-10, atol=1e-14)
    matrix = np.array(full)
    if module.bidirectional:
        assert (matrix > 0).all()  # h_t reads the whole sentence: every pair is filled
    else:
        assert (np.triu(matrix, 1) == 0).all()  # exactly zero: the future cannot reach the past
        assert (np.diag(matrix) > 0).all()


def test_toy_language_model_matrix_equals_jacobian_norms():
    torch.manual_seed(2)
    model = LanguageModel(LanguageModelConfig(vocab_size=9, cell="gru", embedding_size=4, hidden_size=6))
    model = model.double().eval()
    inputs, targets = [SOS_ID, 5, 6, 7, 5, 8], [5, 6, 7, 5, 8, 4]
    full, _ = conn.next_token_connectivity(model, inputs, targets)
    expected = _next_token_jacobian(model, inputs, targets)
    np.testing.assert_allclose(np.array(full), expected, rtol=1e-10, atol=1e-14)
    assert (np.triu(np.array(full), 1) == 0).all()


def test_shipped_language_model_matrix_equals_jacobian_norms(shipped):
    text = TEXTS[shipped.name]
    result = conn.language_model_connectivity(shipped, text, k=4)
    ids = shipped.target_vocab.encode(list(text))
    inputs = [SOS_ID, *ids[:-1]]
    assert result.tokens == [shipped.target_vocab.token_of(i) for i in inputs]
    assert result.outputs == list(text) and result.output == conn.LOG_PROB_NEXT
    with torch.no_grad():  # the pieces differentiated are the model's own forward
        logits, _, _ = shipped.model(torch.tensor([inputs]))
        embedded = shipped.model.embedding.weight[torch.tensor(inputs)]
        assert torch.equal(shipped.model.projection(shipped.model.rnn(embedded[None])[0]), logits)
    expected = _next_token_jacobian(shipped.model, inputs, ids)
    matrix = np.array(result.matrix)
    np.testing.assert_allclose(matrix, expected, rtol=2e-4, atol=1e-9)
    assert (np.triu(matrix, 1) == 0).all() and (np.triu(np.array(result.truncated), 1) == 0).all()


def _hand_truncated_rnn(module: nn.RNN, inputs: torch.Tensor, k: int) -> np.ndarray:
    """A tanh RNN written out, ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``, whose state is
    detached before every k-th step, differentiated by ``jacobian``."""
    w_ih, w_hh, b_ih, b_hh = (
        getattr(module, f"{n}_l0").detach() for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    )

    def run(x: torch.Tensor) -> torch.Tensor:
        h = torch.zeros(module.hidden_size, dtype=x.dtype)
        states = []
        for t in range(x.shape[0]):
            if t % k == 0:
                h = h.detach()
            h = torch.tanh(w_ih @ x[t] + b_ih + w_hh @ h + b_hh)
            states.append(h)
        return torch.stack(states)

    return _norms(torch.autograd.functional.jacobian(run, inputs))


@pytest.mark.parametrize("k", [1, 2, 3, 5, 9])
def test_truncated_matrix_equals_a_hand_written_truncated_gradient(k):
    torch.manual_seed(3)
    module = nn.RNN(3, 5, batch_first=True).double().eval()
    inputs = torch.randn(9, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    full, truncated = conn.hidden_connectivity(module, inputs, k)
    assert truncated is not None
    cut = np.array(truncated)
    np.testing.assert_allclose(cut, _hand_truncated_rnn(module, inputs, k), rtol=1e-10, atol=1e-14)
    rows, columns = np.indices(cut.shape)
    same_chunk = rows // k == columns // k
    assert (cut[rows - columns >= k] == 0).all()  # never a gradient from k or more steps back
    assert (cut[~same_chunk] == 0).all()  # nor across a chunk's edge
    inside = same_chunk & (columns <= rows)
    np.testing.assert_allclose(cut[inside], np.array(full)[inside], rtol=1e-12)  # detaching changes no value


def test_shipped_truncated_matrix_is_the_full_one_cut_to_the_trainers_chunks(shipped):
    k = 3
    result = conn.language_model_connectivity(shipped, TEXTS[shipped.name], k=k)
    full, cut = np.array(result.matrix), np.array(result.truncated)
    rows, columns = np.indices(full.shape)
    same_chunk = rows // k == columns // k
    assert (cut[~same_chunk] == 0).all() and (cut[rows - columns >= k] == 0).all()
    np.testing.assert_allclose(cut[same_chunk], full[same_chunk], rtol=1e-5, atol=1e-9)
    assert result.chunks() == [(s, min(s + k, len(result.tokens))) for s in range(0, len(result.tokens), k)]
    expected = 1 - (cut**2).sum() / (full**2).sum()
    assert result.cut_share() == pytest.approx(expected, rel=1e-9) and 0 < expected < 1


def test_encoders_unidirectional_and_bidirectional():
    one_way = load_checkpoint(SHIPPED["reverse-lstm-bahdanau"])
    result = conn.encoder_connectivity(one_way, "abcde", k=2)
    assert result.tokens == [*"abcde", "<eos>"] and result.output == conn.HIDDEN
    ids = [*one_way.source_vocab.encode(list("abcde")), EOS_ID]
    embedded = one_way.model.encoder.embedding.weight[torch.tensor(ids)].detach()
    expected = _hidden_jacobian(one_way.model.encoder.rnn, embedded)
    np.testing.assert_allclose(np.array(result.matrix), expected, rtol=2e-4, atol=1e-9)
    assert (np.triu(np.array(result.matrix), 1) == 0).all()
    both_ways = load_checkpoint(SHIPPED["reverse-bilstm-bahdanau"])
    result = conn.encoder_connectivity(both_ways, "abcde")
    assert result.bidirectional and (np.array(result.matrix) > 0).all()
    with pytest.raises(InputError, match="bidirectional"):
        conn.encoder_connectivity(both_ways, "abcde", k=2)


def test_explaining_leaves_the_model_bit_identical(shipped):
    model = shipped.model
    inputs = torch.tensor([[SOS_ID, 5, 6, 7, 8]])
    for mode in (False, True):
        model.train(mode)
        with torch.no_grad():
            before = model(inputs)[0]
        parameters = {name: value.clone() for name, value in model.state_dict().items()}
        conn.language_model_connectivity(shipped, TEXTS[shipped.name], k=2)
        assert model.training is mode and all(part.training is mode for part in model.modules())
        with torch.no_grad():
            assert torch.equal(model(inputs)[0], before)
        assert all(torch.equal(value, parameters[name]) for name, value in model.state_dict().items())
        assert all(param.grad is None for param in model.parameters())
    model.eval()


def test_dropout_is_off_for_the_gradient_and_back_on_after():
    torch.manual_seed(5)
    config = LanguageModelConfig(vocab_size=9, embedding_size=4, hidden_size=6, num_layers=2, dropout=0.5)
    model = LanguageModel(config).train()
    inputs, targets = [SOS_ID, 5, 6, 7], [5, 6, 7, 8]
    first, _ = conn.next_token_connectivity(model, inputs, targets)
    second, _ = conn.next_token_connectivity(model, inputs, targets)
    assert first == second  # no random dropout mask in the gradient pass
    np.testing.assert_allclose(
        np.array(first), _next_token_jacobian(model.eval(), inputs, targets), rtol=1e-4
    )
    assert model.rnn.dropout == 0.5 and model.dropout.p == 0.5


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_gradients_run_on_cuda_with_cudnn_and_agree_with_the_cpu():
    checkpoint = load_checkpoint(SHIPPED["charlm-lstm"])
    text = TEXTS["charlm-lstm"]
    on_cpu = conn.language_model_connectivity(checkpoint, text, k=4)
    checkpoint.model.cuda().eval()
    try:
        inputs = torch.tensor([[SOS_ID, 5, 6, 7]], device="cuda")
        with torch.no_grad():
            before = checkpoint.model(inputs)[0]
        on_cuda = conn.language_model_connectivity(checkpoint, text, k=4)
        with torch.no_grad():
            assert torch.equal(checkpoint.model(inputs)[0], before)
        assert not checkpoint.model.training
    finally:
        checkpoint.model.cpu()
    np.testing.assert_allclose(np.array(on_cuda.matrix), np.array(on_cpu.matrix), rtol=1e-3, atol=1e-7)
    np.testing.assert_allclose(np.array(on_cuda.truncated), np.array(on_cpu.truncated), rtol=1e-3, atol=1e-7)
    assert (np.triu(np.array(on_cuda.matrix), 1) == 0).all()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "input.empty"),
        ("   \n\t ", "input.empty"),
        ("a" * (conn.MAX_CONNECTIVITY_TOKENS + 1), "input.too_many_tokens"),
        ("a" * 50_000, "input.too_long"),
    ],
)
def test_hostile_text_is_an_input_error(shipped, text, code):
    with pytest.raises(InputError) as raised:
        conn.language_model_connectivity(shipped, text, k=4)
    assert raised.value.code == code


def test_unknown_symbols_are_read_as_unk(shipped):
    text = "a😀\u202eb\x00" if shipped.name == "charlm-lstm" else "你😀好"
    result = conn.language_model_connectivity(shipped, text, k=2)
    assert "<unk>" in result.outputs and "😀" in result.unknown
    assert len(result.matrix) == len(result.tokens) == len(result.outputs)
    assert np.isfinite(np.array(result.matrix)).all()


@pytest.mark.parametrize("k", [0, -1, conn.MAX_CONNECTIVITY_TOKENS + 1, 2.5, True])
def test_bad_windows_and_wrong_checkpoints_are_input_errors(shipped, k):
    with pytest.raises(InputError):
        conn.language_model_connectivity(shipped, "abc", k=k)
    with pytest.raises(InputError):
        conn.encoder_connectivity(shipped, "abc")
    with pytest.raises(InputError):
        conn.language_model_connectivity(load_checkpoint(SHIPPED["reverse-lstm-none"]), "abc")


def test_the_figure_draws_exactly_the_matrices_with_the_window():
    checkpoint = load_checkpoint(SHIPPED["charlm-lstm"])
    result = conn.language_model_connectivity(checkpoint, TEXTS["charlm-lstm"], k=5)
    spec = connectivity_heatmaps(
        result.tokens, result.outputs, [("full", result.matrix), ("cut", result.truncated)], k=5
    )
    assert schema_errors(spec) == []
    drawn = heatmaps(spec)
    assert np.array_equal(drawn["full"].values, np.array(result.matrix))
    assert np.array_equal(drawn["cut"].values, np.array(result.truncated))
    assert drawn["full"].column_labels == [t if t != " " else "␣" for t in result.tokens]
    steps = len(result.tokens)
    for panel in drawn.values():
        rules = [layer for layer in panel.view["layer"] if layer["mark"]["type"] == "rule"]
        ends = {name: rules[0]["encoding"][name]["datum"] for name in ("x", "y", "x2", "y2")}
        assert ends == {"x": 0, "y": 5, "x2": steps - 6, "y2": steps - 1}  # the line t - t' = k
        labelled = panel.view["layer"][0]["encoding"]["y"]["axis"]["values"]
        assert labelled == list(range(0, steps, 2))  # 23 rows in 184 px: every other label, or they overlap
    short = connectivity_heatmaps(["a", "b"], ["b", "c"], [("full", [[1.0, 0.0], [0.5, 2.0]])], k=5)
    assert not [layer for layer in short["concat"][0]["layer"] if layer["mark"]["type"] == "rule"]


def test_the_csv_writes_every_pair_in_full_precision():
    checkpoint = load_checkpoint(SHIPPED["charlm-lstm"])
    result = conn.language_model_connectivity(checkpoint, "a, b", k=2)
    rows = list(csv.DictReader(io.StringIO(connectivity_csv(result))))
    steps = len(result.tokens)
    assert len(rows) == steps * steps
    assert list(rows[0]) == ["t", "output", "t_prime", "input", "full", "truncated_k2"]
    for row in rows:
        t, source = int(row["t"]), int(row["t_prime"])
        assert row["output"] == result.outputs[t] and row["input"] == result.tokens[source]
        assert float(row["full"]) == result.matrix[t][source]
        assert float(row["truncated_k2"]) == result.truncated[t][source]
