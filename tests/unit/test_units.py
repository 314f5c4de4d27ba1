"""Units that mean something: the latent variables are what their docstrings say, the correlation is
Pearson's, the probe finds a planted signal, and clamping no unit changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.data.tasks import Example, get_task
from seqviz.errors import InputError
from seqviz.explain import units as u
from seqviz.explain.latents import DATE_FIELDS, LATENT_VARIABLES, carry_into, latent_variable
from seqviz.explain.results import CELL_STATE, HIDDEN
from tests.support.checkpoints import untrained_checkpoint

SHIPPED = {info.name: info for info in list_checkpoints()}
STUDIED = (
    "reverse-lstm-bahdanau",
    "reverse-gru-luong-general",
    "reverse-bilstm-bahdanau",
    "en-fr-lstm-bahdanau",
)


@pytest.fixture(scope="module")
def checkpoints():
    return {name: load_checkpoint(SHIPPED[name].path) for name in STUDIED}


# ------------------------------------------------------------------------------------ the variables


def test_reverse_counts_to_the_end_and_copy_counts_from_the_start():
    example = Example("abcd", "dcba")
    for part in ("encoder", "decoder"):
        assert latent_variable("reverse").of(example, part) == [4, 3, 2, 1, 0]
        assert latent_variable("copy").of(Example("abcd", "abcd"), part) == [0, 1, 2, 3, 4]


def test_dates_fields_are_parsed_back_from_every_format():
    year, month, day, sep, end = range(len(DATE_FIELDS))
    field = latent_variable("dates")
    assert field.of(Example("5 Mar 2021", "2021-03-05"), "decoder") == [
        year, year, year, year, sep, month, month, sep, day, day, end
    ]  # fmt: skip
    assert field.of(Example("5 Mar 2021", "2021-03-05"), "encoder") == [
        day, sep, month, month, month, sep, year, year, year, year, end
    ]  # fmt: skip
    assert field.of(Example("03/05/2021", "x"), "encoder")[:6] == [month, month, sep, day, day, sep]
    assert field.of(Example("March 5, 2021", "x"), "encoder")[:9] == [month] * 5 + [sep, day, sep, sep]
    for example in get_task("dates").validation(size=50):  # every generated example parses
        assert len(field.of(example, "encoder")) == len(example.source) + 1
    with pytest.raises(InputError, match="not a date"):
        field.of(Example("tomorrow", "x"), "encoder")


def test_the_carry_is_the_one_into_the_column_being_written():
    carry = latent_variable("addition")
    assert carry.of(Example("57+86", "143"), "decoder") == [1, 1, 0, None]  # 1(00): 57+86 >= 100; 7+6 >= 10
    assert carry.of(Example("999+1", "1000"), "decoder") == [1, 1, 1, 0, None]
    assert carry.of(Example("12+30", "42"), "decoder") == [0, 0, None]
    for a, b in [
        (57, 86),
        (5, 5),
        (450, 550),
    ]:  # the carry makes the column's digit: (a_k + b_k + c_k) mod 10
        total = str(a + b)
        for k in range(len(total)):
            digit = (a // 10**k % 10 + b // 10**k % 10 + carry_into(a, b, k)) % 10
            assert digit == int(total[len(total) - 1 - k])
    with pytest.raises(InputError, match="not the encoder"):
        carry.of(Example("57+86", "143"), "encoder")


def test_only_tasks_with_a_known_variable_are_studied(checkpoints):
    assert sorted(LATENT_VARIABLES) == ["addition", "copy", "dates", "reverse"]
    with pytest.raises(InputError, match="no known latent variable"):
        u.units_report(checkpoints["en-fr-lstm-bahdanau"])
    with pytest.raises(InputError, match="not a seq2seq"):
        u.units_report(load_checkpoint(SHIPPED["charlm-lstm"].path))


# ---------------------------------------------------------------------------- correlation and probe


def test_correlation_is_numpys_corrcoef_and_zero_for_a_constant_unit():
    generator = torch.Generator().manual_seed(0)
    states = torch.randn(300, 6, generator=generator, dtype=torch.float64)
    values = states[:, 2] * 0.5 + torch.randn(300, generator=generator, dtype=torch.float64)
    states[:, 4] = 1.5  # never moves
    r = u.correlations(states, values)
    for column in (0, 1, 2, 3, 5):
        expected = np.corrcoef(states[:, column].numpy(), values.numpy())[0, 1]
        assert float(r[column]) == pytest.approx(expected, abs=1e-12)
    assert float(r[4]) == 0.0
    units = [u.UnitRef(HIDDEN, 0, 0, i) for i in range(6)]
    assert u.rank_units(units, r)[0].unit.index == 2


def test_a_probe_finds_a_planted_signal_and_chance_finds_nothing():
    generator = torch.Generator().manual_seed(1)
    steps, examples = 2_000, 200
    owners = torch.arange(steps) % examples
    states = torch.randn(steps, 40, generator=generator, dtype=torch.float64)
    count = torch.randint(0, 8, (steps,), generator=generator).double()
    states[:, 7] = count * 0.3 + 0.01 * torch.randn(steps, generator=generator, dtype=torch.float64)
    probe = u.fit_probe(states, count, owners, "count")
    assert probe.r2 > 0.99 and probe.accuracy > 0.95 and probe.baseline_accuracy < 0.2
    assert probe.held_out_examples == 50 and probe.train_examples == 150
    category = (states[:, 11] > -0.5).double() + (states[:, 11] > 0.5).double()  # three bands of one unit
    probe = u.fit_probe(states, category, owners, "category")
    assert probe.accuracy > 0.9 > probe.baseline_accuracy
    noise = torch.randint(0, 3, (steps,), generator=generator).double()  # no unit knows it
    assert u.fit_probe(states, noise, owners, "category").accuracy < 0.45


def test_the_split_is_by_example_and_seeded():
    train, held = u.split_examples(40, seed=3)
    assert sorted(train + held) == list(range(40)) and len(held) == 10
    assert u.split_examples(40, seed=3) == (train, held) != u.split_examples(40, seed=4)


def test_the_state_matrix_is_the_traces_hidden_then_cell(checkpoints):
    checkpoint = checkpoints["reverse-bilstm-bahdanau"]
    trace = checkpoint.model.trace([5, 6, 7, 2]).encoder
    matrix, units = u.state_matrix(trace), u.units_of(trace)
    assert matrix.shape == (4, len(units)) == (4, 4 * trace.hidden_size)  # h, c x two directions
    column = units.index(u.UnitRef(CELL_STATE, 0, 1, 9))
    assert torch.equal(matrix[:, column], trace.layer(0, 1).cell[0, :, 9])
    assert torch.equal(matrix[:, units.index(u.UnitRef(HIDDEN, 0, 0, 3))], trace.layer(0, 0).hidden[0, :, 3])


@pytest.mark.parametrize(
    ("name", "part"), [("reverse-bilstm-bahdanau", "encoder"), ("reverse-lstm-bahdanau", "decoder")]
)
def test_a_reverse_model_keeps_count_of_the_letters_left(checkpoints, name, part):
    report = u.units_report(checkpoints[name], part, size=40)
    assert report.variable == "from_end" and report.examples == 40 and report.chosen_class is None
    assert report.probe.r2 > 0.9 and report.probe.accuracy > report.probe.baseline_accuracy
    assert abs(report.ranking[0].correlation) > 0.9
    assert len(report.ranking) == len({entry.unit for entry in report.ranking})
    assert len(report.example_states) == u.TOP_UNITS
    assert all(
        len(row) == len(report.example_tokens) == len(report.example_values) for row in report.example_states
    )


# ----------------------------------------------------------------------------------------- ablation


@pytest.mark.parametrize("name", ["reverse-lstm-bahdanau", "reverse-gru-luong-general"])
def test_ablating_no_unit_changes_nothing(checkpoints, name):
    model = checkpoints[name].model
    source = torch.tensor([[5, 6, 7, 8, 2], [9, 6, 2, 0, 0]])
    lengths = torch.tensor([5, 3])
    own = model.greedy(source, lengths, 20)
    with u.units_clamped(model.decoder.rnn, []):
        clamped = model.greedy(source, lengths, 20)
    assert torch.equal(own.tokens, clamped.tokens)
    assert torch.equal(own.token_log_probs, clamped.token_log_probs)  # bit for bit
    report = u.ablate_units(checkpoints[name], [], size=60)
    assert report.changed == 0 and report.changes == ()
    assert report.exact_match_before == report.exact_match_after > 0.9


def test_a_clamped_unit_is_what_the_recurrent_module_hands_on(checkpoints):
    rnn = checkpoints["reverse-lstm-bahdanau"].model.decoder.rnn
    inputs = torch.randn(2, 1, rnn.input_size)
    units = [u.UnitRef(HIDDEN, 0, 0, 3), u.UnitRef(CELL_STATE, 0, 0, 5)]
    with torch.no_grad(), u.units_clamped(rnn, units, 0.25):
        out, (h, c) = rnn(inputs)
    with torch.no_grad():
        own_out, (_, own_c) = rnn(inputs)
    assert torch.all(out[..., 3] == 0.25) and torch.all(h[0, :, 3] == 0.25) and torch.all(c[0, :, 5] == 0.25)
    keep = [i for i in range(rnn.hidden_size) if i != 3]
    assert torch.equal(out[..., keep], own_out[..., keep]) and torch.equal(c[0, :, 3], own_c[0, :, 3])
    with pytest.raises(InputError, match="only an LSTM"):
        u.units_clamped(checkpoints["reverse-gru-luong-general"].model.decoder.rnn, units).__enter__()
    with pytest.raises(InputError, match="no unit"):
        u.units_clamped(rnn, [u.UnitRef(HIDDEN, 1, 0, 3)]).__enter__()


def test_clamping_the_counting_units_breaks_the_reversal(checkpoints):
    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    report = u.units_report(checkpoint, "decoder", size=40)
    ablation = u.ablate_units(
        checkpoint, [entry.unit for entry in report.ranking[:5]], size=60, keep_changes=3
    )
    assert ablation.examples == 60 and len(ablation.changes) == 3
    assert ablation.exact_match_after < ablation.exact_match_before - 0.3
    assert ablation.changed >= round((ablation.exact_match_before - ablation.exact_match_after) * 60)
    assert all(change.before != change.after for change in ablation.changes)


# ---------------------------------------------------------------------------------- figures and files


def test_figures_draw_the_reports_numbers_and_fit_the_schema(checkpoints):
    import math

    from seqviz.viz import gates as figures
    from tests.support.vega_read import heatmaps, schema_errors

    report = u.units_report(checkpoints["reverse-lstm-bahdanau"], "decoder", size=10, top=4)
    labels = [entry.unit.label for entry in report.ranking[:4]]
    spec = figures.unit_rows_heatmap(report.example_states, labels, report.example_tokens, title="rows")
    (drawn,) = heatmaps(spec).values()
    assert drawn.values.tolist() == [list(row) for row in report.example_states]
    assert drawn.row_labels == labels and drawn.column_labels == list(report.example_tokens)
    carry = [1.0, 0.0, None]  # an undefined step is drawn blank
    row = figures.latent_row_heatmap(carry, ["<sos>", "1", "4"], "carry", title="carry")
    (drawn_row,) = heatmaps(row).values()
    assert drawn_row.values[0, :2].tolist() == [1.0, 0.0] and math.isnan(drawn_row.values[0, 2])
    assert schema_errors(spec) == [] and schema_errors(row) == []


def test_the_downloads_hold_every_unit_and_every_change(checkpoints):
    import csv
    import io
    import json

    from seqviz.export.csv_export import ablation_changes_csv, unit_ranking_csv
    from seqviz.export.json_export import ablation_to_json, download_json, units_report_to_json

    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    report = u.units_report(checkpoint, "decoder", size=10)
    rows = list(csv.DictReader(io.StringIO(unit_ranking_csv(report))))
    assert len(rows) == len(report.ranking) == 2 * 128
    assert rows[0]["unit"] == report.ranking[0].unit.label
    assert float(rows[0]["correlation"]) == report.ranking[0].correlation
    data = json.loads(download_json(units_report_to_json(report)))
    assert data["variable"] == "from_end" and data["probe"]["r2"] == report.probe.r2
    assert data["ranking"][0]["unit"] == report.ranking[0].unit.label
    ablation = u.ablate_units(checkpoint, [e.unit for e in report.ranking[:5]], size=20, keep_changes=2)
    changes = list(csv.reader(io.StringIO(ablation_changes_csv(ablation))))
    assert changes[0] == ["source", "reference", "before", "after"] and len(changes) == 1 + len(
        ablation.changes
    )
    data = json.loads(download_json(ablation_to_json(ablation)))
    assert data["units"][0]["unit"] == report.ranking[0].unit.label and data["changed"] == ablation.changed


# ------------------------------------------------------------------------------- untrained wirings


@pytest.mark.parametrize(
    ("task", "part"), [("addition", "decoder"), ("copy", "encoder"), ("copy", "decoder")]
)
def test_the_variables_line_up_with_the_steps_a_model_takes(task, part):
    checkpoint = untrained_checkpoint(task, num_layers=2)
    table = u.collect_states(checkpoint, part, size=12)
    assert table.states.shape == (len(table.values), 2 * 2 * 10)  # h and c of two layers
    assert table.first_states.shape[0] == len(table.first_tokens) == len(table.first_values)
    if task == "addition":  # the <eos> step has no carry and is left out
        assert table.first_values[-1] is None and set(table.values.tolist()) <= {0.0, 1.0}
    report = u.units_report(checkpoint, part, size=12, top=3)
    assert report.kind == ("category" if task == "addition" else "count") and len(report.example_states) == 3
    assert report.chosen_class == ("no_carry" if task == "addition" else None)


def test_clamping_a_lower_layer_changes_its_carried_state_only():
    checkpoint = untrained_checkpoint("addition", num_layers=2)
    rnn = checkpoint.model.decoder.rnn
    inputs = torch.randn(2, 1, rnn.input_size)
    with torch.no_grad():
        own_out, (own_h, _) = rnn(inputs)
        with u.units_clamped(rnn, [u.UnitRef(HIDDEN, 0, 0, 4)], 0.5):
            out, (h, _) = rnn(inputs)
    assert torch.all(h[0, :, 4] == 0.5) and torch.equal(h[1], own_h[1]) and torch.equal(out, own_out)
    report = u.ablate_units(checkpoint, [], size=20)
    assert report.changed == 0 and report.exact_match_before == report.exact_match_after
