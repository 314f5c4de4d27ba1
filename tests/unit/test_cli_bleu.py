"""``python -m seqviz bleu``: sacrebleu's numbers from files, and every bad file as one line with exit 2."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import sacrebleu

from seqviz.cli import main

logging.getLogger("sacrebleu").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parents[2]
HYPOTHESES = ["The cat sat on the mat.", "我 爱 北京", "", "A dog barked twice"]
REFERENCES_1 = ["The cat is on the mat.", "我爱北京。", "nothing here", "a dog barked twice"]
REFERENCES_2 = ["There is a cat on the mat.", "我 爱 北京 天安门", "", "The dog barked twice"]
FIELDS = ("score", "counts", "totals", "precisions", "bp", "sys_len", "ref_len")


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path) -> dict[str, str]:
    return {
        "hyp": write_lines(tmp_path / "hyp.txt", HYPOTHESES),
        "ref1": write_lines(tmp_path / "ref1.txt", REFERENCES_1),
        "ref2": write_lines(tmp_path / "ref2.txt", REFERENCES_2),
    }


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["bleu", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, fragment: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and fragment in lines[0]


def assert_same(payload: dict, theirs) -> None:
    assert tuple(payload) == FIELDS
    assert payload["score"] == pytest.approx(theirs.score, abs=1e-6)
    assert payload["precisions"] == pytest.approx(theirs.precisions, abs=1e-6)
    assert payload["bp"] == pytest.approx(theirs.bp, abs=1e-12)
    for key in ("counts", "totals", "sys_len", "ref_len"):
        assert payload[key] == getattr(theirs, key)


def test_corpus_json_with_several_references(files, capsys):
    code, out, err = run_cli(
        capsys, "--hyp", files["hyp"], "--ref", files["ref1"], "--ref", files["ref2"], "--json"
    )
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    assert_same(json.loads(lines[0]), sacrebleu.corpus_bleu(HYPOTHESES, [REFERENCES_1, REFERENCES_2]))


@pytest.mark.parametrize(
    "options",
    [
        {"tokenize": "zh", "smooth_method": "floor", "lowercase": True},
        {"tokenize": "char", "smooth_method": "add-k", "lowercase": False},
        {"tokenize": "intl", "smooth_method": "none", "lowercase": True},
        {"tokenize": "none", "smooth_method": "exp", "lowercase": False},
    ],
)
def test_corpus_options(files, capsys, options):
    args = ["--hyp", files["hyp"], "--ref", files["ref1"], "--json"]
    args += ["--tokenize", options["tokenize"], "--smooth", options["smooth_method"]]
    args += ["--lowercase"] if options["lowercase"] else []
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    theirs = sacrebleu.corpus_bleu(HYPOTHESES, [REFERENCES_1], **options)
    payload = json.loads(out)
    assert payload["score"] == pytest.approx(theirs.score, abs=1e-6)
    assert payload["precisions"] == pytest.approx(theirs.precisions, abs=1e-6)
    assert (payload["sys_len"], payload["ref_len"]) == (theirs.sys_len, theirs.ref_len)


def test_sentence_json_one_object_per_line(files, capsys):
    args = ["--hyp", files["hyp"], "--ref", files["ref1"], "--ref", files["ref2"], "--sentence", "--json"]
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == len(HYPOTHESES)
    for i, line in enumerate(lines):
        theirs = sacrebleu.sentence_bleu(HYPOTHESES[i], [REFERENCES_1[i], REFERENCES_2[i]])
        assert_same(json.loads(line), theirs)


def test_readable_lines(files, capsys):
    code, out, _ = run_cli(capsys, "--hyp", files["hyp"], "--ref", files["ref1"])
    assert code == 0
    assert out.strip() == sacrebleu.corpus_bleu(HYPOTHESES, [REFERENCES_1]).format()
    code, out, _ = run_cli(capsys, "--hyp", files["hyp"], "--ref", files["ref1"], "--sentence")
    assert code == 0
    assert [line.startswith("BLEU = ") for line in out.strip().splitlines()] == [True] * len(HYPOTHESES)


def test_mismatched_line_counts(files, tmp_path, capsys):
    short = write_lines(tmp_path / "short.txt", REFERENCES_1[:2])
    code, out, err = run_cli(capsys, "--hyp", files["hyp"], "--ref", files["ref1"], "--ref", short)
    assert out == ""
    assert_one_line_error(code, err, "has 2 lines but --hyp")


def test_bad_files(files, tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\u00e9\n".encode("latin-1"))
    cases = [
        ((tmp_path / "missing.txt", files["ref1"]), "no such file"),
        ((files["hyp"], tmp_path / "missing.txt"), "no such file"),
        ((empty, files["ref1"]), "empty"),
        ((latin1, files["ref1"]), "line 1 is not valid UTF-8"),
        ((tmp_path, files["ref1"]), "folder"),
    ]
    for (hyp, ref), fragment in cases:
        code, out, err = run_cli(capsys, "--hyp", str(hyp), "--ref", str(ref))
        assert out == ""
        assert_one_line_error(code, err, fragment)


def test_usage_errors(files, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["bleu", "--hyp", files["hyp"]])
    assert exit_info.value.code == 2
    assert "--ref" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["bleu", "--hyp", files["hyp"], "--ref", files["ref1"], "--tokenize", "moses"])
    assert "invalid choice" in capsys.readouterr().err


def test_subprocess_missing_file_has_no_traceback(files, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "seqviz", "bleu", "--hyp", str(tmp_path / "nope.txt"), "--ref", files["ref1"]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"seqviz: error: {tmp_path / 'nope.txt'}: no such file"]
