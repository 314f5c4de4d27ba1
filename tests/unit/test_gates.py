"""The numbers of the LSTM & GRU page: heatmaps equal ``trace_recurrent`` (and so ``nn.LSTM``/``nn.GRU``),
the equations hold with the numbers printed, unit sorting, and gradient flow against a hand-written
backward recursion."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np
import pytest
import torch
from torch import nn

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.errors import InputError
from seqviz.explain import gates
from seqviz.export.csv_export import table_csv
from seqviz.export.json_export import download_json, gate_trace_to_json
from seqviz.models.trace import trace_recurrent
from seqviz.viz.gates import COURSE_GRU_LATEX, equation_latex, gate_heatmap, gradient_figure
from tests.support.vega_read import heatmaps, schema_errors

INFOS = {info.name: info for info in list_checkpoints()}


def text_for(name: str) -> str:
    if "reverse" in name:
        return "abcdefg"
    if INFOS[name].kind == "language_model":
        return "the cat sat on the mat."
    return {"dates": "12 march 2021", "num2words": "4321", "num2zh": "4321"}.get(name.split("-")[0], "i see")


CASES = [(name, part) for name in INFOS for part in gates.parts_of(load_checkpoint(INFOS[name].path))]


@pytest.fixture(scope="module")
def views():
    cache = {}

    def get(name: str, part: str):
        if (name, part) not in cache:
            checkpoint = load_checkpoint(INFOS[name].path)
            cache[name, part] = (
                gates.gate_view(checkpoint, text_for(name), part),
                gates.recurrent_module(checkpoint, part),
            )
        return cache[name, part]

    return get


def small_stack(mode: str) -> tuple[gates.GateView, nn.RNNBase]:
    """A 2-layer bidirectional module on random inputs: the shipped checkpoints are all one layer deep."""
    torch.manual_seed(3)
    module = getattr(nn, mode)(5, 4, num_layers=2, bidirectional=True, batch_first=True).eval()
    inputs = torch.randn(6, 5)
    trace = trace_recurrent(module, inputs[None])
    return gates.GateView("random", "encoder", list("abcdef"), trace, inputs), module


@pytest.mark.parametrize(("name", "part"), CASES)
def test_every_heatmap_is_the_trace_and_the_trace_is_the_module(views, name, part):
    view, module = views(name, part)
    trace = view.trace
    start = trace.initial_hidden if trace.initial_cell is None else (trace.initial_hidden, trace.initial_cell)
    replay = trace_recurrent(module, view.inputs[None], start)
    layer = view.layer(0, 0)
    for quantity in gates.quantities(view.mode):
        shown = gates.quantity_matrix(layer, quantity)
        assert shown.shape == (view.seq_len, view.hidden_size)
        if quantity == gates.HIDDEN:
            expected = replay.layer(0, 0).hidden[0]
        elif quantity == gates.CELL_STATE:
            expected = replay.layer(0, 0).cell[0]
        else:
            expected = replay.layer(0, 0).gates[quantity][0]
        torch.testing.assert_close(shown, expected)
    if view.num_directions == 1:  # the module's own forward pass: h_t of the top layer
        output, _ = module(view.inputs[None], start)
        torch.testing.assert_close(
            gates.quantity_matrix(layer, gates.HIDDEN), output[0], atol=1e-5, rtol=1e-5
        )


def test_a_heatmap_figure_draws_exactly_the_trace_in_the_chosen_unit_order(views):
    view, _ = views("reverse-lstm-bahdanau", "encoder")
    layer = view.layer()
    order = gates.unit_order(layer, "variance")
    forget = gates.quantity_matrix(layer, "forget")
    spec = gate_heatmap(forget.tolist(), view.tokens, order, "forget", step=2, unit=order[1])
    assert schema_errors(spec) == []
    (drawn,) = heatmaps(spec).values()
    assert drawn.values.shape == (len(order), view.seq_len)
    np.testing.assert_array_equal(drawn.values, forget.numpy().T[order].astype(np.float64))
    assert drawn.column_labels == view.tokens  # time axis labelled with the tokens read
    assert drawn.row_labels[0] == f"u{order[0]}"  # the most variable unit on top
    rules = [layer["encoding"] for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rules == [{"x": {"datum": 2, "type": "ordinal"}}, {"y": {"datum": 1, "type": "ordinal"}}]
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert (scale["domainMin"], scale["domainMax"]) == (0.0, 1.0)  # a sigmoid gate: the fixed 0..1 scale


@pytest.mark.parametrize(("name", "part"), CASES)
def test_the_equations_hold_with_the_numbers_they_show(views, name, part):
    view, module = views(name, part)
    for step in range(view.seq_len):
        for unit in (0, view.hidden_size // 2, view.hidden_size - 1):
            numbers = gates.step_numbers(view, module, 0, 0, step, unit)
            residuals = gates.equation_residuals(numbers)
            assert max(residuals.values()) < 1e-5, residuals
            assert numbers.token == view.tokens[step]


def _printed_numbers(line: str) -> list[float]:
    """The decimal numbers in a LaTeX line after its first '=' (the symbolic side has only indices)."""
    return [float(x) for x in re.findall(r"-?\d+\.\d+", line.split("=", 1)[1])]


@pytest.mark.parametrize("name", ["reverse-lstm-bahdanau", "reverse-gru-luong-general"])
def test_the_printed_latex_numbers_satisfy_the_course_equations(views, name):
    view, module = views(name, "encoder")
    numbers = gates.step_numbers(view, module, 0, 0, 3, 5)
    lines = equation_latex(numbers)
    sigmoid, tol = gates.sigmoid, 2e-6
    if view.mode == "LSTM":
        assert len(lines) == 6
        for line in lines[:4]:  # gate = sigma(pre) or tanh(pre), as printed
            pre, value = _printed_numbers(line)
            squash = math.tanh if r"\tanh" in line else sigmoid
            assert abs(squash(pre) - value) < tol, line
        f, c_prev, i, g, c = _printed_numbers(lines[4])
        assert abs(f * c_prev + i * g - c) < tol
        o, c_again, o_again, tanh_c, h = _printed_numbers(lines[5])
        assert (o, c_again) == (o_again, c) and abs(o * tanh_c - h) < tol
    else:
        r_pre, r = _printed_numbers(lines[0])
        z_pre, z = _printed_numbers(lines[1])
        input_part, r_again, hidden_part, n = _printed_numbers(lines[2])
        z_again, n_again, z_third, h_prev, h = _printed_numbers(lines[3])
        assert abs(sigmoid(r_pre) - r) < tol and abs(sigmoid(z_pre) - z) < tol
        assert r_again == r and z_again == z_third == z and n_again == n
        assert (
            abs(math.tanh(input_part + r * hidden_part) - n) < tol
        )  # PyTorch's form: r times (W_hn h + b_hn)
        assert abs((1 - z) * n + z * h_prev - h) < tol
        assert any("r_t \\odot h_{t-1}" in line for line in COURSE_GRU_LATEX)  # the course's form, beside it
        # d2l and Cho et al. keep the old state with z_t, as PyTorch does: H = Z * H_prev + (1 - Z) * H_tilde
        assert any("h_t = z_t \\odot h_{t-1} + (1 - z_t)" in line for line in COURSE_GRU_LATEX)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_upper_layers_and_the_reverse_direction(mode):
    view, module = small_stack(mode)
    for layer in (0, 1):
        for direction in (0, 1):
            for step in range(view.seq_len):
                numbers = gates.step_numbers(view, module, layer, direction, step, 1)
                assert max(gates.equation_residuals(numbers).values()) < 1e-5
    x1 = gates.layer_inputs(view, 1)
    output, _ = module(view.inputs[None])
    assert x1.shape == (6, 8)
    own = gates.single_layer_copy(module, 1, 0)  # layer 1 read layer 0's [forward; backward] outputs
    top_forward, _ = own(x1[None])
    torch.testing.assert_close(top_forward[0], output[0, :, :4], atol=1e-6, rtol=1e-5)
    reverse = gates.single_layer_copy(module, 1, 1)
    top_backward, _ = reverse(x1.flip(0)[None])
    torch.testing.assert_close(top_backward[0].flip(0), output[0, :, 4:], atol=1e-6, rtol=1e-5)


def test_unit_order_by_variance_and_by_change():
    view, _ = small_stack("LSTM")
    layer = view.layer(0, 0)
    hidden = layer.hidden[0].numpy()
    by_variance = gates.unit_order(layer, "variance")
    assert by_variance == list(np.argsort(-hidden.var(axis=0), kind="stable"))
    before = np.vstack([np.zeros((1, hidden.shape[1])), hidden[:-1]])
    assert gates.unit_order(layer, "change") == list(
        np.argsort(-np.abs(hidden - before).mean(axis=0), kind="stable")
    )
    assert gates.unit_order(layer, "index") == [0, 1, 2, 3]
    with pytest.raises(InputError):
        gates.unit_order(layer, "loudness")


def test_out_of_range_choices_are_input_errors(views):
    view, module = views("reverse-lstm-bahdanau", "encoder")
    with pytest.raises(InputError):
        gates.step_numbers(view, module, 0, 0, view.seq_len, 0)
    with pytest.raises(InputError):
        gates.step_numbers(view, module, 0, 0, 0, view.hidden_size)
    with pytest.raises(InputError):
        view.layer(1, 0)
    with pytest.raises(InputError):
        gates.recurrent_module(load_checkpoint(INFOS["reverse-lstm-bahdanau"].path), "lm")
    with pytest.raises(InputError):
        gates.quantity_matrix(views("reverse-gru-luong-general", "encoder")[0].layer(), gates.CELL_STATE)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 100_000])
def test_unusable_text_is_an_input_error(bad):
    checkpoint = load_checkpoint(INFOS["reverse-lstm-bahdanau"].path)
    with pytest.raises(InputError):
        gates.gate_view(checkpoint, bad, "encoder")


def test_unknown_symbols_are_read_as_unk_and_reported():
    checkpoint = load_checkpoint(INFOS["reverse-lstm-bahdanau"].path)
    view = gates.gate_view(checkpoint, "ab😀中c", "encoder")
    assert view.unknown and view.seq_len == len(view.tokens)


# ----------------------------------------------------------------------------------------- gradients


def rnn_gradient_by_hand(cell: nn.RNN, inputs: torch.Tensor) -> list[float]:
    """dL/dh_t for L = sum(h_{T-1}) by the backward recursion of the course, in float64:
    dL/dh_t = W_hh^T (dL/dh_{t+1} * (1 - h_{t+1}^2))."""
    w_ih, w_hh = cell.weight_ih_l0.double().detach().numpy(), cell.weight_hh_l0.double().detach().numpy()
    bias = (cell.bias_ih_l0 + cell.bias_hh_l0).double().detach().numpy()
    x = inputs.double().numpy()
    h = [np.zeros(w_hh.shape[0])]
    for x_t in x:
        h.append(np.tanh(w_ih @ x_t + w_hh @ h[-1] + bias))
    hs = h[1:]
    grads = [np.ones(w_hh.shape[0])]
    for t in range(len(hs) - 2, -1, -1):
        grads.append(w_hh.T @ (grads[-1] * (1 - hs[t + 1] ** 2)))
    return [float(np.linalg.norm(g)) for g in reversed(grads)]


def test_rnn_gradient_norms_equal_the_hand_written_backward_recursion():
    torch.manual_seed(0)
    inputs = torch.randn(30, 8)
    cell = gates.fresh_cells(8, 16)["RNN"]
    ours = gates.hidden_gradient_norms(cell, inputs)
    expected = rnn_gradient_by_hand(cell, inputs)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-12)


def test_truncation_cuts_the_gradient_exactly_k_steps_back_and_changes_nothing_inside():
    torch.manual_seed(1)
    inputs = torch.randn(20, 8)
    for cell in gates.fresh_cells(8, 16).values():
        full = gates.hidden_gradient_norms(cell, inputs)
        cut = gates.hidden_gradient_norms(cell, inputs, truncation=5)
        assert all(v == 0.0 for v in cut[: 20 - 1 - 5])
        np.testing.assert_allclose(cut[20 - 1 - 5 :], full[20 - 1 - 5 :], rtol=1e-6)
        assert all(v > 0 for v in full)
    with pytest.raises(InputError):
        gates.hidden_gradient_norms(cell, inputs, truncation=-1)


def test_the_plain_rnn_gradient_vanishes_first_on_a_long_input(views):
    view, module = views("reverse-lstm-bahdanau", "encoder")
    flow = gates.gradient_flow(view, module, length=64)
    assert len(flow.tokens) == 64 and flow.tokens[: view.seq_len] == view.tokens
    first = {name: norms[0] for name, norms in flow.norms.items()}
    assert first["RNN"] < first["GRU"] < first["LSTM"]  # the gated cells keep a path open
    assert first["RNN"] < 1e-10 < first["LSTM"]
    assert set(flow.norms) == {"RNN", "LSTM", "GRU", "checkpoint"}
    figure = gradient_figure(flow.tokens, flow.norms, {})
    assert figure.layout.yaxis.type == "log" and len(figure.data) == 4
    with pytest.raises(InputError):
        gates.stretched(view.tokens, view.inputs, gates.MAX_GRADIENT_STEPS + 1)


def test_fresh_cells_are_seeded_and_leave_the_global_generator_alone():
    state = torch.random.get_rng_state()
    a, b = gates.fresh_cells(4, 3), gates.fresh_cells(4, 3)
    assert torch.equal(torch.random.get_rng_state(), state)
    for name in a:
        assert all(torch.equal(p, q) for p, q in zip(a[name].parameters(), b[name].parameters(), strict=True))
    assert torch.all(a["LSTM"].bias_ih_l0[3:6] == gates.FORGET_BIAS)


# ------------------------------------------------------------------------------------------- exports


def test_trace_json_holds_every_layer_direction_and_quantity():
    view, _ = small_stack("GRU")
    data = json.loads(download_json(gate_trace_to_json(view)))
    assert data["quantities"] == ["reset", "update", "new", "hidden"]
    assert [(entry["layer"], entry["direction"]) for entry in data["layers"]] == [
        (0, "forward"), (0, "backward"), (1, "forward"), (1, "backward"),
    ]  # fmt: skip
    np.testing.assert_allclose(
        data["layers"][3]["update"], view.layer(1, 1).gates["update"][0].numpy(), rtol=1e-6
    )


def test_csv_tables_round_trip():
    view, module = small_stack("LSTM")
    rows = gates.heatmap_rows(view, 1, 0)
    assert len(rows) == len(gates.quantities("LSTM")) * view.seq_len * view.hidden_size
    text = table_csv(rows)
    header, first = text.splitlines()[:2]
    assert header == "quantity,step,token,unit,value"
    assert float(first.split(",")[-1]) == pytest.approx(float(view.layer(1, 0).gates["input"][0, 0, 0]))
    assert table_csv([]) == ""
    numbers = gates.step_numbers(view, module, 0, 0, 2, 1)
    assert {row["name"] for row in gates.step_rows(numbers)} >= {"forget_gate", "cell", "hidden"}
    trajectories = gates.unit_trajectories(view, 0, 0, 1)
    assert gates.trajectory_rows(view.tokens, trajectories)[2]["forget"] == pytest.approx(numbers.forget_gate)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_a_plain_rnn_gets_its_one_equation_with_numbers(nonlinearity):
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_prev + b_hh), each part computed by hand from the weights."""
    torch.manual_seed(5)
    options = dict(num_layers=2, bidirectional=True, batch_first=True, nonlinearity=nonlinearity)
    module = nn.RNN(5, 4, **options).eval().requires_grad_(False)
    inputs = torch.randn(6, 5)
    view = gates.GateView("random", "encoder", list("abcdef"), trace_recurrent(module, inputs[None]), inputs)
    for layer, direction, step, unit in [(0, 0, 0, 1), (0, 1, 2, 3), (1, 0, 5, 0), (1, 1, 4, 2)]:
        numbers = gates.step_numbers(view, module, layer, direction, step, unit)
        assert isinstance(numbers, gates.RnnStep) and numbers.activation == nonlinearity
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        x = gates.layer_inputs(view, layer)[step]
        h_prev = view.layer(layer, direction).hidden_before[0, step]
        w_ih, b_ih = getattr(module, "weight_ih" + suffix)[unit], getattr(module, "bias_ih" + suffix)[unit]
        w_hh, b_hh = getattr(module, "weight_hh" + suffix)[unit], getattr(module, "bias_hh" + suffix)[unit]
        assert numbers.input_part == pytest.approx(float(w_ih @ x + b_ih), abs=1e-5)
        assert numbers.hidden_part == pytest.approx(float(w_hh @ h_prev + b_hh), abs=1e-5)
        assert max(gates.equation_residuals(numbers).values()) < 1e-5
        (line,) = equation_latex(numbers)
        input_part, hidden_part, h = _printed_numbers(line)
        squash = math.tanh if nonlinearity == "tanh" else (lambda v: max(v, 0.0))
        assert abs(squash(input_part + hidden_part) - h) < 2e-6, line
    wrong = dataclasses.replace(numbers, hidden=numbers.hidden + 0.1)
    assert max(gates.equation_residuals(wrong).values()) > 0.05  # the residual can fail
    assert gates.mode_name(module.mode) == ("RNN" if nonlinearity == "tanh" else "RNN (ReLU)")
