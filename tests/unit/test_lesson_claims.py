"""What the shipped lessons (``lessons/*.toml``) say about a shipped model, checked on that model.

A lesson's text, "try this" prompt or question states facts about specific checkpoints on its preset
inputs: an output, which unit keeps its forget gate open, which token a forced subject changes, where
attention peaks. Each test here reads the step's preset from the lesson file and checks one such claim with
the core functions the view draws from, so a retrained checkpoint (or an edited preset) that breaks a
lesson fails here, with the lesson and step in the test's name. Facts of the mathematics (answers that
hold for any model) and the measured question of the encoder-decoder lesson (the live models answer it)
are not repeated here; the training step's run is tested in ``test_lessons.py``.
"""

from __future__ import annotations

import functools
import itertools
import math
import statistics
from pathlib import Path
from typing import Any

import pytest

from seqviz.checkpoints.store import Checkpoint, load_checkpoint
from seqviz.lessons import events, load_lessons, measures
from seqviz.lessons.observe import decoding_observation, gate_observation
from seqviz.lessons.schema import Step

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINTS = ROOT / "checkpoints"


@functools.cache
def checkpoint(name: str) -> Checkpoint:
    return load_checkpoint(CHECKPOINTS / name)


@functools.cache
def _steps() -> dict[tuple[str, str], Step]:
    library = load_lessons()
    assert library.problems == ()
    return {(lesson.id, step.id): step for lesson in library.lessons for step in lesson.steps}


def step(lesson: str, step_id: str) -> Step:
    return _steps()[(lesson, step_id)]


def preset(lesson: str, step_id: str) -> dict[str, str]:
    return dict(step(lesson, step_id).view.params)


def model_of(params: dict[str, str]) -> Checkpoint:
    return checkpoint(params["ckpt"])


# ------------------------------------------------------------------------------------- every lesson


def test_every_preset_input_is_in_its_models_vocabulary() -> None:
    """A preset the model reads as <unk> would teach the unknown-token problem by accident; only the copy
    step means to, and there the copy model can still write the unknown name."""
    from seqviz.explain.input_vocabulary import input_vocabulary

    deliberate = {("attention", "copy")}
    for (lesson, step_id), shown in _steps().items():
        params = dict(shown.view.params)
        if "ckpt" not in params:
            continue
        model = model_of(params)
        for key in ("text", "prompt"):
            if params.get(key):
                seen = input_vocabulary(model, params[key])
                if (lesson, step_id) in deliberate:
                    assert seen.unknown_count > 0 and seen.copyable, (lesson, step_id)
                else:
                    assert seen.unknown_count == 0, (lesson, step_id, key, seen.tokens)


# ---------------------------------------------------------------------- 1. sequence models (forecast)


@functools.cache
def _forecast(tau: int, k: int, cell: str, period: float, noise: float) -> Any:
    from seqviz.explain.forecast import SeriesSpec, forecast_study

    # the page trains with forecast_study's default number of updates (seqviz.ui.widgets.forecast.UPDATES)
    return forecast_study(SeriesSpec(period=period, noise=noise), tau, k, cell)


def forecast_for(step_id: str) -> Any:
    params = preset("sequence-models", step_id)
    return _forecast(
        int(params["tau"]), int(params["k"]), params["cell"], float(params["period"]), float(params["noise"])
    )


def _mse(study: Any, model: str, k: int) -> float:
    return next(error.mse for error in study.errors[model] if error.k == k)


def test_sequence_models_k_steps_ahead_the_mlp_drifts_and_the_lstm_stays_near_the_noise_floor() -> None:
    study = forecast_for("k-steps-ahead")
    assert (study.tau, study.k, study.cell) == (4, 16, "lstm")
    assert _mse(study, "mlp", 16) > 5 * _mse(study, "mlp", 1)  # "the MLP's error climbs with k"
    for error in study.errors["latent"]:  # "the LSTM stays near the noise floor at every k"
        assert error.mse < 1.5 * study.noise_floor, error


def test_sequence_models_longer_window_brings_the_mlp_close_to_the_noise_floor() -> None:
    short, long = forecast_for("k-steps-ahead"), forecast_for("longer-window")
    assert (long.tau, long.k) == (16, 16)
    assert _mse(long, "mlp", 16) < _mse(short, "mlp", 16) / 5  # "much lower"
    assert _mse(long, "mlp", 16) < 1.5 * long.noise_floor  # "here close to the noise floor"


# ----------------------------------------------------------------------------------- 2. LSTM and GRU


def _gate_view(params: dict[str, str]) -> Any:
    from seqviz.explain.gates import gate_view

    return gate_view(model_of(params), params["text"], params["part"])


def test_rnn_lstm_gru_conveyor_belt_has_units_to_find_and_the_preset_unit_is_not_one() -> None:
    done = step("rnn-lstm-gru", "conveyor-belt").complete_when
    params = preset("rnn-lstm-gru", "conveyor-belt")
    view = _gate_view(params)
    assert view.mode == "LSTM"
    shown = int(params["units"])  # sort=index: units 0 .. shown-1 are drawn
    found = [
        unit
        for unit in range(view.hidden_size)
        if events.evaluate(done.event, gate_observation(view, 0, 0, unit), done.params).done
    ]
    assert any(unit < shown for unit in found), f"no unit among the first {shown} qualifies: {found}"
    assert int(params["unit"]) not in found  # the student has to look for one
    progress = events.evaluate(done.event, gate_observation(view, 0, 0, found[0]), done.params)
    assert progress.count == len(found)


def test_rnn_lstm_gru_conveyor_units_count_the_letters() -> None:
    """The "try this" asks what such a unit's c_t does letter by letter: it moves the same way at every
    letter, by a similar amount, like a counter."""
    done = step("rnn-lstm-gru", "conveyor-belt").complete_when
    params = preset("rnn-lstm-gru", "conveyor-belt")
    view = _gate_view(params)
    layer = view.layer(0, 0)
    letters = len(params["text"])
    for unit in range(int(params["units"])):
        if not events.evaluate(done.event, gate_observation(view, 0, 0, unit), done.params).done:
            continue
        cell = [float(value) for value in layer.cell[0][:letters, unit]]
        steps = [after - before for before, after in itertools.pairwise(cell)]
        assert all(change > 0.4 for change in steps) or all(change < -0.4 for change in steps), (unit, cell)


def test_rnn_lstm_gru_vanishing_gradient_rnn_vanishes_most_and_the_trained_encoder_least() -> None:
    from seqviz.explain.gates import gradient_flow, recurrent_module

    params = preset("rnn-lstm-gru", "vanishing-gradient")
    view = _gate_view(params)
    flow = gradient_flow(
        view, recurrent_module(model_of(params), params["part"]), None, length=int(params["len"])
    )
    first = {cell: norms[0] for cell, norms in flow.norms.items()}  # 60 steps before the loss
    assert first["RNN"] < 1e-10  # "far below 10^-10"
    assert first["RNN"] < first["GRU"] < first["LSTM"] < first["checkpoint"]


def test_rnn_lstm_gru_pytorch_gru_update_is_the_one_the_lesson_writes() -> None:
    """h_t = (1 - z_t) n_t + z_t h_{t-1}, n_t = tanh(W_in x + b_in + r_t (W_hn h + b_hn)), on the model's
    own numbers."""
    from seqviz.explain.gates import recurrent_module, step_numbers, unit_order

    params = preset("rnn-lstm-gru", "gru-forms")
    view = _gate_view(params)
    assert view.mode == "GRU" and view.layer(0, 0).gates.keys() == {"reset", "update", "new"}
    module = recurrent_module(model_of(params), params["part"])
    for unit in unit_order(view.layer(0, 0), "variance")[:8]:
        n = step_numbers(view, module, 0, 0, int(params["t"]), unit)
        assert n.new_state == pytest.approx(
            math.tanh(n.new_input_part + n.reset_gate * n.new_hidden_part), abs=1e-5
        )
        blend = (1 - n.update_gate) * n.new_state + n.update_gate * n.hidden_before
        assert n.hidden == pytest.approx(blend, abs=1e-5)


# -------------------------------------------------------------------------------- 3. language models


def test_language_models_after_seq_the_model_expects_u() -> None:
    from seqviz.explain.lm import token_probabilities

    params = preset("language-models", "next-token")
    result = token_probabilities(model_of(params), params["text"])
    position = int(params["pos"])
    assert "".join(result.tokens[position - 3 : position + 1]) == "sequ"
    assert result.alternatives(position, 1)[0][0] == "u"


def test_language_models_greedy_sampling_ignores_the_seed_and_loops() -> None:
    from seqviz.explain.lm import sample

    params = preset("language-models", "temperature")
    assert float(params["temp"]) == 0

    def text(seed: int) -> str:
        return sample(
            model_of(params), params["prompt"], int(params["n"]), temperature=0.0, top_k=int(params["topk"]),
            seed=seed,
        ).text  # fmt: skip

    greedy = text(int(params["seed"]))
    assert text(1) == greedy
    assert any(greedy.count(greedy[i : i + 12]) > 1 for i in range(len(greedy) - 12)), greedy  # a loop


def test_language_models_connectivity_fades_and_a_longer_window_hides_less() -> None:
    from seqviz.explain.connectivity import language_model_connectivity

    params = preset("language-models", "connectivity")
    model = model_of(params)
    assert model.training.settings.get("bptt") == 32  # "trained with truncated BPTT, k = 32"
    k = int(params["ck"])
    short = language_model_connectivity(model, params["text"], k)
    long = language_model_connectivity(model, params["text"], 32)
    assert long.cut_share() < short.cut_share()
    rows = len(short.matrix)

    def median_at(distance: int) -> float:
        return statistics.median(short.matrix[t][t - distance] for t in range(distance, rows))

    assert median_at(32) < 1e-2 * median_at(0)  # orders of magnitude within a few dozen characters


# ------------------------------------------------------------------------------- 4. encoder-decoder


def test_encoder_decoder_context_model_has_no_attention_and_128_numbers() -> None:
    from seqviz.explain.attention import attention_map

    params = preset("encoder-decoder", "context-variable")
    model = model_of(params)
    shown = attention_map(model, params["text"])
    assert shown.weights is None and shown.context_size == 128
    assert model.config.cell == "lstm" and shown.output_text == params["text"][::-1]
    partner = checkpoint(params["vs"]).config  # "a model of the same size with attention"
    assert partner.attention != "none" and partner.hidden_size == 128


def test_encoder_decoder_bottleneck_models_and_their_training() -> None:
    """The question is measured (no answer is written); the text says: same size, trained on 4-12 letters,
    each stopped at its validation target, the one without attention after many times more updates."""
    from seqviz.explain.bottleneck import length_study

    asked = step("encoder-decoder", "bottleneck").question
    names = asked.measure.params["checkpoints"]
    none, attention = (checkpoint(name) for name in names)
    assert (none.config.attention, attention.config.attention) == ("none", "bahdanau")
    assert none.config.hidden_size == attention.config.hidden_size == 128
    for model in (none, attention):
        assert length_study(model, per_length=1).training_lengths == (4, 12)
        assert model.training.stop_reason == "target"
    assert none.training.steps_so_far >= 5 * attention.training.steps_so_far
    result = measures.compute(asked.measure.name, dict(asked.measure.params), checkpoint)
    assert len(result.values) == 2 and result.examples == asked.measure.params["examples"]
    assert asked.measure.params["length"] > 12  # "longer than any seen in training"


def test_encoder_decoder_free_run_errs_and_teacher_forcing_scores_the_reference_higher() -> None:
    from seqviz.explain.decoding import exposure_bias

    params = preset("encoder-decoder", "teacher-forcing")
    assert len(params["text"]) == 13 and params["ref"] == params["text"][::-1]
    result = exposure_bias(model_of(params), params["text"], params["ref"])
    assert "<unk>" not in result.reference_tokens
    assert result.first_error is not None  # the free run leaves the reference
    assert result.first_difference is not None and result.first_difference > result.first_error
    assert result.free_log_prob < result.teacher_forced_log_prob


def test_encoder_decoder_greedy_weighs_three_against_thirty() -> None:
    from seqviz.explain.decoding import replay

    params = preset("encoder-decoder", "greedy-decoding")
    stepper = replay(model_of(params), params["text"], {}, 0)
    top = [stepper.vocab.token_of(token) for token, _ in stepper.pending.top(2)]
    assert top == ["three", "thirty"]
    done = replay(model_of(params), params["text"], {}, 100)
    assert done.output_text == "three hundred thirty three thousand nine hundred sixteen"


def test_encoder_decoder_training_step_writes_22_tokens() -> None:
    from seqviz.data.tasks import get_task
    from seqviz.data.vocab import NEVER_OUTPUT_IDS

    params = preset("encoder-decoder", "train-one")
    _, target = get_task(params["task"]).build_vocabs()
    writable = [token for i, token in enumerate(target.to_json()) if i not in NEVER_OUTPUT_IDS]
    assert len(writable) == 22 and sum(len(token) == 1 for token in writable) == 20


# ---------------------------------------------------------------------------------------- 5. attention


def _attention(lesson_step: str, name: str | None = None) -> Any:
    from seqviz.explain.attention import attention_map

    params = preset("attention", lesson_step)
    return attention_map(checkpoint(name or params["ckpt"]), params["text"])


def test_attention_additive_score_step_writes_e_and_peaks_on_f() -> None:
    params = preset("attention", "additive-score")
    shown = _attention("additive-score")
    t, j = int(params["t"]), int(params["j"])
    assert shown.attention_kind == "bahdanau"
    assert shown.output_tokens[t] == "e" and shown.source_tokens[j] == "f"
    assert shown.strongest_source()[t] == j


def test_attention_alignment_rows_shift_one_to_the_right() -> None:
    shown = _attention("alignment")
    assert shown.output_text == "fedcba"
    strongest = shown.strongest_source()
    letters = [(t, token) for t, token in enumerate(shown.output_tokens) if token != "<eos>"]
    row_e = next(t for t, token in letters if token == "e")
    assert shown.source_tokens[strongest[row_e]] == "f"
    shifted = sum(strongest[t] == shown.source_tokens.index(token) + 1 for t, token in letters)
    assert shifted >= 3  # "several rows here sit one position to the right"


def test_attention_luong_rows_are_sharp_and_bahdanau_rows_shared() -> None:
    params = preset("attention", "luong-vs-bahdanau")
    bahdanau, luong = _attention("luong-vs-bahdanau"), _attention("luong-vs-bahdanau", params["vs"])
    assert (bahdanau.attention_kind, luong.attention_kind) == ("bahdanau", "luong-general")
    assert checkpoint(params["vs"]).config.cell == "gru"
    assert bahdanau.output_text == luong.output_text == params["text"][::-1]
    assert all(max(row) > 0.95 for row in luong.weights)
    assert sum(max(row) < 0.8 for row in bahdanau.weights) > len(bahdanau.weights) / 2


def test_attention_bidirectional_rows_peak_on_the_letter_written() -> None:
    params = preset("attention", "bidirectional")
    shown = _attention("bidirectional")
    encoder = checkpoint(params["ckpt"]).model.encoder.rnn
    assert shown.bidirectional and encoder.bidirectional and encoder.hidden_size == 64  # "64 units each way"
    strongest = shown.strongest_source()
    for t, token in enumerate(shown.output_tokens):
        if token != "<eos>":
            assert shown.source_tokens[strongest[t]] == token, (t, token)


def test_attention_copy_writes_the_unseen_name_by_copying() -> None:
    from seqviz.data.names import NEVER_GENERATED, all_names

    params = preset("attention", "copy")
    name = params["text"].split()[0]
    assert name in NEVER_GENERATED and name not in all_names()  # "no training sentence ever contained"
    shown = _attention("copy")
    assert shown.output_text == f"{name} mange une pomme"
    p_gen = dict(zip(shown.output_tokens, shown.p_gen, strict=True))
    assert p_gen[name] < 0.1 and p_gen["mange"] > 0.9 and p_gen["pomme"] > 0.9
    assert [word for _, word, _ in shown.copied] == [name]
    plain = _attention("copy", "en-fr-names-lstm-bahdanau")  # the same model without copy
    assert plain.output_tokens[0] == "<unk>" and name not in plain.output_text


def test_attention_coverage_copies_year_and_day_and_generates_the_month() -> None:
    shown = _attention("coverage")
    assert shown.output_text == "1995-05-16"
    p_gen = shown.p_gen
    copied, generated = (0, 1, 2, 3, 8, 9), (4, 5, 6, 7)  # 1995 and 16; "-05-"
    assert all(p_gen[t] < 0.1 for t in copied), p_gen
    assert all(p_gen[t] > 0.9 for t in generated), p_gen
    assert max(max(row) for row in shown.coverage) < 1.3  # "none climbs much higher" than about 1


# ----------------------------------------------------------------------------- 6. decoding, evaluation


def test_decoding_beam_finds_a_more_probable_and_correct_output_than_greedy() -> None:
    from seqviz.explain.beam import LengthPenalty, beam_search

    params = preset("decoding-evaluation", "greedy-vs-beam")
    assert params["lp"] == "none" and len(params["text"]) == 13
    model = model_of(params)
    greedy = beam_search(model, params["text"], 1).best
    beam = beam_search(model, params["text"], int(params["k"]), penalty=LengthPenalty("none")).best
    assert greedy.output == "kirklhfhparli"  # as the question says
    assert beam.output == "kimrklhfparli" == params["text"][::-1]
    assert beam.log_prob > greedy.log_prob
    assert greedy.tokens[2] == "r" and beam.tokens[2] == "m"  # "at step 3 greedy took r"


def test_decoding_length_penalty_lets_the_whole_reversal_win() -> None:
    from seqviz.explain.beam import LengthPenalty, beam_search

    params = preset("decoding-evaluation", "length-penalty")
    model, text, width = model_of(params), params["text"], int(params["k"])
    assert len(text) == 15 and params["lp"] == "none"
    short = beam_search(model, text, width, penalty=LengthPenalty("none")).best
    assert len(short.output) == 10 and text[::-1].startswith(short.output)  # "stops after 10 of the 15"
    fair = beam_search(model, text, width, penalty=LengthPenalty("length", 1.0)).best  # the "try this"
    assert fair.output == text[::-1]


@pytest.mark.parametrize(("subject", "verb"), [("nous", "mangeons"), ("ils", "mangent"), ("elle", "mange")])
def test_decoding_forcing_the_subject_changes_the_verb(subject: str, verb: str) -> None:
    from seqviz.explain.decoding import replay

    params = preset("decoding-evaluation", "force-a-token")
    model, text = model_of(params), params["text"]
    greedy = replay(model, text, {}, 100)
    assert greedy.output_text == "tu manges le gâteau"
    forced = replay(model, text, {1: greedy.vocab.id_of(subject)}, 1)
    assert replay(model, text, forced.forced, 100).output_text == f"{subject} {verb} le gâteau"
    done = step("decoding-evaluation", "force-a-token").complete_when
    assert events.evaluate(done.event, decoding_observation(forced), done.params).done
    assert not events.evaluate(done.event, decoding_observation(greedy), done.params).done


def _bleu(step_id: str, references: list[str] | None = None) -> Any:
    from seqviz.explain.bleu import sentence_bleu

    params = preset("decoding-evaluation", step_id)
    return sentence_bleu(
        params["hyp"], references or params["ref"].splitlines(), tokenize=params["tok"],
        smooth_method=params["smooth"],
    )  # fmt: skip


def test_bleu_preset_clips_the_from_4_to_2() -> None:
    report = _bleu("clipped-precision")
    the = next(match for match in report.sentences[0].matches(1) if match.ngram == ("the",))
    assert (the.candidate_count, the.max_ref_count, the.clipped_count) == (4, 2, 2)
    assert report.counts[:2] == (2, 0) and report.totals[0] == 4
    assert report.score == 0
    params = preset("decoding-evaluation", "clipped-precision")  # the "try this": a second reference
    second = _bleu("clipped-precision", [params["ref"], "there is a cat on the mat"])
    assert second.counts[0] == 2  # clipped to the most in any ONE reference, not the sum


def test_bleu_brevity_preset_scores_exp_minus_0_2() -> None:
    report = _bleu("brevity-penalty")
    assert report.precisions == (100.0, 100.0, 100.0, 100.0)
    assert (report.sys_len, report.ref_len) == (5, 6)
    assert report.bp == pytest.approx(math.exp(-0.2))
    assert report.score == pytest.approx(100 * math.exp(-0.2))


def test_bleu_course_variant_is_higher_than_sacrebleu_on_the_preset() -> None:
    from seqviz.explain.bleu import course_bleu, sacrebleu_sentence_score, tokenize

    params = preset("decoding-evaluation", "course-variant")
    report = _bleu("course-variant")
    assert report.counts == (5, 3, 2, 1) and report.totals == (6, 5, 4, 3)
    course = course_bleu(tokenize(params["hyp"], params["tok"]), tokenize(params["ref"], params["tok"]))
    assert course.score == pytest.approx(0.688, abs=1e-3)
    assert report.score == pytest.approx(53.73, abs=1e-2)
    assert course.score > report.score / 100
    theirs = sacrebleu_sentence_score(
        params["hyp"], [params["ref"]], tokenize=params["tok"], smooth_method=params["smooth"]
    )
    assert theirs == pytest.approx(report.score, abs=1e-6)
