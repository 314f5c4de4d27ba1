"""``translate --beam`` and ``score`` through the CLI's own functions: the n-best log-probs are the sums of
their token log-probs and what ``score`` gives their outputs; width 1 is the greedy translation; every bad
input is one line and exit code 2."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqviz.checkpoints.store import list_checkpoints
from seqviz.cli import main

SHIPPED = {info.name: info.path for info in list_checkpoints()}
REVERSE = str(SHIPPED["reverse-lstm-bahdanau"])
LANGUAGE_MODEL = str(next(info.path for info in list_checkpoints() if info.kind == "language_model"))
PENALTY_FLAGS = {  # flags -> lp(|Y|), |Y| counting <eos>
    "none": ([], lambda length: 1.0),
    "gnmt-0.6": (["--length-penalty", "0.6"], lambda length: ((5 + length) / 6) ** 0.6),
    "length-1": (["--penalty", "length"], lambda length: float(length)),
}


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse exits
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *args: str) -> dict:
    code, out, err = run_cli(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def assert_one_line_error(code: int, err: str, fragment: str = "") -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and lines[0].startswith(("seqviz: error:", "python -m seqviz"))
    assert fragment in lines[0]


def score(capsys, checkpoint: str, source: str, output: str) -> dict:
    return run_json(capsys, "score", "--checkpoint", checkpoint, "--input", source, "--output", output)


@pytest.mark.parametrize(
    ("name", "text"),
    [("reverse-lstm-bahdanau", "abcdefg"), ("en-fr-lstm-bahdanau", None), ("num2words-lstm-bahdanau", None)],
)
@pytest.mark.parametrize("penalty", PENALTY_FLAGS)
def test_nbest_log_probs_are_what_score_gives(capsys, name, text, penalty):
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.data.examples import default_input

    checkpoint = str(SHIPPED[name])
    text = text or default_input(load_checkpoint(checkpoint))
    flags, divisor = PENALTY_FLAGS[penalty]
    result = run_json(capsys, "translate", "--checkpoint", checkpoint, "--input", text, "--beam", "4", *flags)
    assert len(result["nbest"]) == 4 and result["tree"][0]["token"] == "<sos>"
    for entry in result["nbest"]:
        assert entry["log_prob"] == pytest.approx(sum(entry["token_log_probs"]), abs=1e-9)
        assert entry["score"] == pytest.approx(entry["log_prob"] / divisor(len(entry["tokens"])), abs=1e-9)
        # The output text must come back as the same tokens for `score` to read it: finished, no <unk>.
        assert entry["finished"] and entry["tokens"][-1] == "<eos>" and "<unk>" not in entry["tokens"]
        scored = score(capsys, checkpoint, text, entry["output"])
        assert scored["tokens"] == entry["tokens"]
        assert scored["log_prob"] == pytest.approx(entry["log_prob"], abs=1e-4)
        assert scored["token_log_probs"] == pytest.approx(entry["token_log_probs"], abs=1e-4)
    scores = [entry["score"] for entry in result["nbest"]]
    assert scores == sorted(scores, reverse=True)


def test_beam_one_is_the_greedy_translation(capsys):
    greedy = run_json(capsys, "translate", "--checkpoint", REVERSE, "--input", "hello world")
    assert greedy["decoding"] == "greedy" and "nbest" not in greedy  # the old output, unchanged
    beam = run_json(capsys, "translate", "--checkpoint", REVERSE, "--input", "hello world", "--beam", "1")
    (best,) = beam["nbest"]
    assert best["tokens"] == greedy["tokens"] and best["log_prob"] == greedy["log_prob"]
    assert best["output"] == greedy["output"]


def test_tree_and_options_in_the_json(capsys):
    result = run_json(
        capsys,
        "translate", "--checkpoint", REVERSE, "--input", "abcdef", "--beam", "5", "--n-best", "2",
        "--max-len", "9", "--length-penalty", "1.0",
    )  # fmt: skip
    assert len(result["nbest"]) == 2 and result["width"] == 5 and result["max_len"] == 9
    assert result["length_penalty"] == {"kind": "gnmt", "alpha": 1.0}
    tree = result["tree"]
    assert [node["id"] for node in tree] == list(range(len(tree)))
    for node in tree[1:]:
        parent = tree[node["parent_id"]]
        assert node["cumulative_log_prob"] == parent["cumulative_log_prob"] + node["log_prob"]
        assert node["status"] in ("kept", "pruned", "finished")
    assert {tree[entry["node_id"]]["status"] for entry in result["nbest"]} == {"finished"}


def test_text_output(capsys):
    code, out, _ = run_cli(capsys, "translate", "--checkpoint", REVERSE, "--input", "abc", "--beam", "3")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0] == "score\tlog_prob\toutput" and lines[1].endswith("\tcba")
    assert len(lines) == 4
    code, out, _ = run_cli(capsys, "score", "--checkpoint", REVERSE, "--input", "abc", "--output", "cba")
    assert code == 0 and out.startswith("log P = ") and "4 tokens" in out


def test_score_reports_unknown_tokens(capsys):
    scored = score(capsys, REVERSE, "abc", "c😀a")
    assert scored["unknown_tokens"] == ["😀"] and scored["tokens"] == ["c", "<unk>", "a", "<eos>"]


def translate(*flags: str, text: str = "abc", checkpoint: str = REVERSE) -> list[str]:
    return ["translate", "--checkpoint", checkpoint, "--input", text, *flags]


def score_args(source: str = "abc", output: str = "cba", checkpoint: str = REVERSE) -> list[str]:
    return ["score", "--checkpoint", checkpoint, "--input", source, "--output", output]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (translate("--beam", "0"), "--beam"),
        (translate("--beam", "-2"), "--beam"),
        (translate("--beam", "x"), "--beam"),
        (translate("--beam", "1000000"), "beam width"),
        (translate("--beam", "2", "--max-len", "0"), "--max-len"),
        (translate("--beam", "2", "--max-len", "9999"), "maximum length"),
        (translate("--beam", "2", text=""), "empty"),
        (translate("--beam", "2", text="x" * 5000), "limit"),
        (translate("--beam", "2", "--n-best", "3"), "n_best"),
        (translate("--beam", "2", "--length-penalty", "nan"), "alpha"),
        (translate("--beam", "2", "--length-penalty", "-1"), "alpha"),
        (translate("--beam", "2", "--length-penalty", "x"), "--length-penalty"),
        (translate("--beam", "2", "--penalty", "none", "--length-penalty", "0.6"), "no alpha"),
        (translate("--beam", "2", "--penalty", "wu"), "--penalty"),
        (translate("--length-penalty", "0.6"), "add --beam"),
        (translate("--n-best", "2"), "add --beam"),
        (translate("--beam", "2", checkpoint=LANGUAGE_MODEL), "not a translation"),
        (translate("--beam", "2", checkpoint="/no/such/dir"), "/no/such/dir"),
        (score_args(source="  "), "input is empty"),
        (score_args(checkpoint=LANGUAGE_MODEL), "not a translation"),
        (score_args(checkpoint="/no/such/dir"), "/no/such/dir"),
        (score_args()[:-2], "--output"),
    ],
)
def test_bad_input_is_one_line(capsys, args, fragment):
    code, _, err = run_cli(capsys, *args)
    assert_one_line_error(code, err, fragment)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.sampled_from(["\x00\x01\x1b[31m", "‮abc‬", "😀" * 300, "a\tb\nc", "中文English混合"]),
    ),
    other=st.text(max_size=20),
)
def test_hostile_text_never_crashes(capsys, text, other):
    for args in (
        ["translate", "--checkpoint", REVERSE, "--input", text, "--beam", "3", "--max-len", "12", "--json"],
        ["score", "--checkpoint", REVERSE, "--input", text, "--output", other, "--json"],
    ):
        code, out, err = run_cli(capsys, *args)
        if code == 0:
            json.loads(out)
        else:
            assert_one_line_error(code, err)
