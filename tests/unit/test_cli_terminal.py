"""What the CLI prints carries no raw control character, and its work and reads are bounded."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest
import torch

from seqviz import cli
from seqviz.checkpoints.provenance import TaskInfo
from seqviz.checkpoints.store import Checkpoint, save_checkpoint
from seqviz.cli import main
from seqviz.data.tasks import get_task
from seqviz.data.vocab import SPECIALS, Vocab
from seqviz.models import Seq2Seq, Seq2SeqConfig
from seqviz.terminal import EscapingStream, escape_control, json_line

HOSTILE_TOKENS = ["\x1b]0;title\x07", "\x1b[31m", "\x9b2J", "\u202eevil", "\rover"]


def raw_controls(text: str, allowed: str = "\n") -> list[str]:
    return [
        ch
        for ch in text
        if ch not in allowed and (unicodedata.category(ch) == "Cc" or 0x202A <= ord(ch) <= 0x2069)
    ]


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def hostile_vocab_checkpoint(tmp_path_factory) -> Path:
    """A model whose target vocabulary holds escape sequences, biased to write the first of them."""
    source_vocab, _ = get_task("reverse").build_vocabs()
    target_vocab = Vocab([*SPECIALS, *HOSTILE_TOKENS])
    config = Seq2SeqConfig(len(source_vocab), len(target_vocab), hidden_size=8, embedding_size=4)
    torch.manual_seed(0)
    model = Seq2Seq(config).eval()
    with torch.no_grad():
        model.decoder.output.bias.zero_()
        model.decoder.output.weight.zero_()
        model.decoder.output.bias[4] = 50.0  # always the window-title sequence
    checkpoint = Checkpoint(
        model=model,
        config=config,
        target_vocab=target_vocab,
        source_vocab=source_vocab,
        source_tokenizer="char",
        target_tokenizer="word",
        task=TaskInfo(name="reverse", seed=0),
    )
    return save_checkpoint(checkpoint, tmp_path_factory.mktemp("hostile") / "model")


def test_vocabulary_escape_sequences_reach_the_terminal_escaped(hostile_vocab_checkpoint, capsys):
    code, out, err = run(capsys, "translate", "--checkpoint", str(hostile_vocab_checkpoint), "--input", "abc")
    assert code == 0, err
    assert raw_controls(out + err) == []
    assert "\\x1b]0;title\\x07" in out  # visible, not obeyed


def test_json_output_escapes_every_control_and_round_trips(hostile_vocab_checkpoint, capsys):
    code, out, err = run(
        capsys, "translate", "--checkpoint", str(hostile_vocab_checkpoint), "--input", "abc\x9b", "--json"
    )
    assert code == 0, err
    assert raw_controls(out + err) == []
    payload = json.loads(out)
    assert payload["output"].startswith("\x1b]0;title\x07")  # JSON escaping carries the exact token
    assert payload["input"] == "abc\x9b"


def test_error_messages_escape_what_the_user_typed(capsys, tmp_path):
    path = str(tmp_path / "\x1b[31mred\x07")
    code, _, err = run(capsys, "eval", "--checkpoint", path)
    assert code == 2 and raw_controls(err) == [] and "\\x1b[31mred\\x07" in err


def test_the_streams_are_restored_after_a_command(capsys):
    import sys

    before = sys.stdout, sys.stderr
    run(capsys, "tasks")
    assert (sys.stdout, sys.stderr) == before


def test_escape_helpers():
    assert escape_control("a\x1b[31mb\x07\tc\n", keep="\n\t") == "a\\x1b[31mb\\x07\tc\n"
    assert escape_control("\u202e\x7f\x85") == "\\u202e\\x7f\\x85"
    text = json_line({"t": "\x1b\x7f\x9b\u202e 中文"})
    assert raw_controls(text) == [] and "中文" in text
    assert json.loads(text) == {"t": "\x1b\x7f\x9b\u202e 中文"}
    sink = io.StringIO()
    EscapingStream(sink).write("x\x1b]0;t\x07\n")
    assert sink.getvalue() == "x\\x1b]0;t\\x07\n"


# ------------------------------------------------------------------------------------------ bounded work


def test_greedy_max_len_is_capped_with_a_clear_message(hostile_vocab_checkpoint, capsys):
    ckpt = str(hostile_vocab_checkpoint)
    code, _, err = run(capsys, "translate", "--checkpoint", ckpt, "--input", "abc", "--max-len", "100000000")
    assert code == 2 and err.count("\n") == 1 and "maximum length is 400" in err
    code, out, err = run(
        capsys, "translate", "--checkpoint", ckpt, "--input", "abc", "--max-len", "400", "--json"
    )
    assert code == 0 and len(json.loads(out)["tokens"]) == 400  # the cap itself is allowed


def test_max_decode_tokens_is_beam_searchs_limit():
    from seqviz.explain.beam import MAX_OUTPUT_TOKENS

    assert cli.MAX_DECODE_TOKENS == MAX_OUTPUT_TOKENS


def test_bleu_refuses_an_endless_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "MAX_INPUT_FILE_BYTES", 1 << 16)  # keep the test quick; the rule is the same
    ref = tmp_path / "ref.txt"
    ref.write_text("a b c\n", encoding="utf-8")
    code, _, err = run(capsys, "bleu", "--hyp", "/dev/zero", "--ref", str(ref))
    assert code == 2 and err.count("\n") == 1 and "refused" in err


def test_bleu_refuses_too_many_lines_and_too_many_bytes(capsys, tmp_path, monkeypatch):
    ref = tmp_path / "ref.txt"
    ref.write_text("a b\n" * 11, encoding="utf-8")
    monkeypatch.setattr(cli, "MAX_INPUT_LINES", 10)
    code, _, err = run(capsys, "bleu", "--hyp", str(ref), "--ref", str(ref))
    assert code == 2 and "more than 10 lines" in err
    monkeypatch.setattr(cli, "MAX_INPUT_LINES", 1000)
    monkeypatch.setattr(cli, "MAX_INPUT_FILE_BYTES", 40)
    code, _, err = run(capsys, "bleu", "--hyp", str(ref), "--ref", str(ref))
    assert code == 2 and "refused" in err
    monkeypatch.setattr(cli, "MAX_INPUT_FILE_BYTES", 44)  # exactly the file: allowed
    code, _, err = run(capsys, "bleu", "--hyp", str(ref), "--ref", str(ref))
    assert code == 0, err


def test_bleu_input_files_that_cannot_be_read_are_one_line(capsys, tmp_path):
    ref = tmp_path / "ref.txt"
    ref.write_text("a\n", encoding="utf-8")
    for hyp in (str(tmp_path / "missing.txt"), str(tmp_path)):
        code, _, err = run(capsys, "bleu", "--hyp", hyp, "--ref", str(ref))
        assert code == 2 and err.count("\n") == 1 and "internal error" not in err


def test_huge_seed_is_refused_before_training(capsys, tmp_path):
    code, _, err = run(
        capsys, "train", "--task", "reverse", "--seed", "9" * 30, "--out", str(tmp_path / "m"), "--steps", "1"
    )
    assert code == 2 and "seed" in err and "internal error" not in err
    assert not (tmp_path / "m").exists()
