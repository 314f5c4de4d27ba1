"""``python -m seqviz explain``: one JSON object with exactly its fields, numbers equal to the library's,
and every error one line with exit code 2."""

from __future__ import annotations

import json

import pytest

from seqviz.checkpoints.store import checkpoint_root, load_checkpoint
from seqviz.explain.attribution import METHODS, attribute
from tests.unit.test_cli import assert_one_line_error, run_cli, run_cli_safely

REVERSE = str(checkpoint_root() / "reverse-lstm-bahdanau")
FIELDS = ["source_tokens", "target_tokens", "attribution", "attention", "kendall_tau"]


@pytest.mark.parametrize("method", METHODS)
def test_json_has_exactly_the_fields_and_the_librarys_numbers(capsys, method):
    code, out, err = run_cli(
        capsys,
        "explain",
        "--checkpoint",
        REVERSE,
        "--input",
        "abcd",
        "--method",
        method,
        "--steps",
        "32",
        "--json",
    )
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1
    payload = json.loads(out)
    ig = method == "integrated-gradients"
    assert list(payload) == FIELDS + (["completeness_gap"] if ig else [])
    expected = attribute(load_checkpoint(REVERSE), "abcd", None, [method], steps=32)
    assert payload["source_tokens"] == ["a", "b", "c", "d", "<eos>"]
    assert payload["target_tokens"] == ["d", "c", "b", "a", "<eos>"]
    assert len(payload["attribution"]) == len(payload["target_tokens"])  # rows = target tokens
    for name, rows in [("attribution", expected.scores[method]), ("attention", expected.attention)]:
        for found, row in zip(payload[name], rows, strict=True):
            assert found == pytest.approx(row, abs=1e-9)
    assert payload["kendall_tau"] == pytest.approx(expected.kendall_tau[method], abs=1e-12)
    if ig:
        assert max(payload["completeness_gap"]) < 1e-2


def test_a_forced_target_and_a_model_without_attention(capsys):
    code, out, _ = run_cli(
        capsys,
        "explain",
        "--checkpoint",
        str(checkpoint_root() / "reverse-lstm-none"),
        "--input",
        "abc",
        "--target",
        "cba",
        "--method",
        "saliency",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["target_tokens"] == ["c", "b", "a", "<eos>"]
    assert payload["attention"] is None and payload["kendall_tau"] == [None] * 4


def test_the_text_form(capsys):
    code, out, _ = run_cli(
        capsys, "explain", "--checkpoint", REVERSE, "--input", "abc", "--method", "occlusion"
    )
    assert code == 0
    assert out.splitlines()[0] == "occlusion, rows = output tokens, columns = a b c <eos>"
    assert len(out.splitlines()) == 5


@pytest.mark.parametrize(
    "args",
    [
        ["--input", ""],
        ["--input", "a" * 101],
        ["--input", "abc", "--steps", "257"],
        ["--input", "abc", "--steps", "0"],
        ["--input", "abc", "--method", "attention"],
        ["--input", "abc", "--target", "x" * 150],
    ],
)
def test_errors_are_one_line(capsys, args):
    code, _, err = run_cli_safely(capsys, ["explain", "--checkpoint", REVERSE, *args])
    assert_one_line_error(code, err)


def test_a_language_model_is_refused_in_one_line(capsys):
    checkpoint = str(checkpoint_root() / "charlm-lstm")
    code, _, err = run_cli(capsys, "explain", "--checkpoint", checkpoint, "--input", "hello")
    assert_one_line_error(code, err)
    assert "not a translation model" in err
