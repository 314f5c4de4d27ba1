"""Round trip, for every shipped seq2seq checkpoint: what ``translate`` prints, ``score`` reads back.

Every output ``translate`` prints (greedy, and each entry of a beam's n-best list) is accepted by
``score --output`` with the same log-probability. That holds only if the printed text is what the model
wrote: a copied word printed as itself (not ``<unk>``) and scored as the copy, a printed ``<unk>`` read back
as ``<unk>``, the empty output as ``<eos>`` alone. The CLI runs in-process (``seqviz.cli.main``), as a user
runs it, only faster.
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.cli import main
from seqviz.data.examples import example_pairs

SEQ2SEQ = [info for info in list_checkpoints() if info.kind == "seq2seq"]
ODD_INPUTS = ("abcdefg", "Zorvak eats an apple")  # unknown symbols for most models: <unk> or copies


def cli_json(capsys, *args: str) -> dict:
    code = main([*args, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


@cache
def inputs(path: str) -> tuple[str, ...]:
    return (*(pair.source for pair in example_pairs(load_checkpoint(path), 2)), *ODD_INPUTS)


@pytest.mark.parametrize("info", SEQ2SEQ, ids=lambda info: info.name)
def test_every_printed_output_scores_as_printed(capsys, info):
    checkpoint = str(info.path)
    checked = 0
    for text in inputs(checkpoint):
        greedy = cli_json(capsys, "translate", "--checkpoint", checkpoint, f"--input={text}")
        beam = cli_json(capsys, "translate", "--checkpoint", checkpoint, f"--input={text}", "--beam", "3")
        printed = [(greedy["output"], greedy["log_prob"], greedy["finished"])]
        printed += [(h["output"], h["log_prob"], h["finished"]) for h in beam["nbest"]]
        for output, log_prob, finished in printed:
            if not finished:  # cut at the maximum length: no <eos> to score
                continue
            scored = cli_json(
                capsys, "score", "--checkpoint", checkpoint, f"--input={text}", f"--output={output}"
            )
            assert scored["log_prob"] == pytest.approx(log_prob, abs=1e-4), (text, output)
            checked += 1
    assert checked >= 4


def test_translate_prints_the_invented_name(capsys):
    code = main(
        ["translate", "--checkpoint", "checkpoints/en-fr-names-lstm-bahdanau-copy", "Zorvak eats an apple"]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.strip() == "Zorvak mange une pomme"
    assert "copy mechanism can still write them" in captured.err


def test_the_input_is_given_once(capsys):
    base = ["translate", "--checkpoint", "checkpoints/reverse-lstm-bahdanau"]
    assert main([*base, "--input", "abc", "abc"]) != 0
    assert main(base) != 0
    assert "once" in capsys.readouterr().err
