"""Beam search and sampling against the model's own numbers: width 1 is greedy_translate exactly; every
n-best log-probability (and every tree node's) is the teacher-forced one; on tiny models a width that keeps
every path returns exactly an exhaustive search's best outcomes; the tree is consistent; one decoder call
per step, whatever the width; sampling is reproducible and reduces to greedy; bad input is an InputError."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import random
from functools import cache
from types import SimpleNamespace

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqviz.checkpoints.store import Checkpoint, list_checkpoints, load_checkpoint
from seqviz.data.examples import example_pairs
from seqviz.data.tokenizers import SPECIALS
from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID, UNK_ID, Vocab
from seqviz.errors import InputError
from seqviz.explain.beam import (
    MAX_BEAM_WIDTH,
    NO_LENGTH_PENALTY,
    LengthPenalty,
    beam_search,
    beam_search_ids,
    sample_translate,
    score_output,
)
from seqviz.export.json_export import beam_to_json, opennmt_beam_file, to_opennmt_beam
from seqviz.inference import greedy_translate, output_vocab, prepare_source
from seqviz.models import Seq2Seq, Seq2SeqConfig

SHIPPED = list_checkpoints()
SEQ2SEQ = [info.name for info in SHIPPED if info.kind == "seq2seq"]
LANGUAGE_MODELS = [info.name for info in SHIPPED if info.kind == "language_model"]
REVERSE = "reverse-lstm-bahdanau"
PENALTIES = [NO_LENGTH_PENALTY, LengthPenalty("gnmt", 0.6), LengthPenalty("length", 1.0)]


@cache
def checkpoint(name: str) -> Checkpoint:
    return load_checkpoint(next(info.path for info in SHIPPED if info.name == name))


@cache
def float64(name: str) -> Checkpoint:
    """Luong runs a teacher-forced target through one nn.GRU call, whose float32 sums differ from stepped
    calls by ~1e-5 per token: such comparisons run on a float64 copy, where both agree to ~1e-12."""
    original = checkpoint(name)
    return dataclasses.replace(original, model=copy.deepcopy(original.model).double())


def sources(name: str, count: int = 2) -> list[str]:
    return [pair.source for pair in example_pairs(checkpoint(name), count)]


def teacher_forced(ckpt: Checkpoint, source, output_ids: list[int]) -> list[float]:
    """``source``: encoder ids, or a ``PreparedInput`` (a copy model's carries its extended source ids)."""
    if isinstance(source, list):
        return ckpt.model.trace(source, output_ids).token_log_probs.tolist()
    extended = None if source.extended is None else source.extended.source_ids
    return ckpt.model.trace(source.ids, output_ids, source_extended=extended).token_log_probs.tolist()


# ------------------------------------------------------------------------------------ greedy reference


@pytest.mark.parametrize("name", SEQ2SEQ)
def test_width_one_is_greedy_translate(name):
    ckpt = checkpoint(name)
    for text in [*sources(name), sources(name)[0][:3]]:
        expected = greedy_translate(ckpt, text)
        result = beam_search(ckpt, text, 1)
        (best,) = result.nbest
        assert best.tokens == expected.tokens
        assert best.token_log_probs == expected.token_log_probs  # the same floats, not merely close
        assert best.log_prob == expected.log_prob
        assert best.output == expected.output and best.finished == expected.finished
    cut = beam_search(ckpt, sources(name)[0], 1, max_len=2).best
    greedy_cut = greedy_translate(ckpt, sources(name)[0], 2)
    assert cut.tokens == greedy_cut.tokens and cut.log_prob == greedy_cut.log_prob and not cut.finished


# ------------------------------------------------------------------------------- faithful log-probs


@pytest.mark.parametrize("name", SEQ2SEQ)
def test_nbest_log_probs_are_teacher_forced(name):
    ckpt = float64(name) if "luong" in name else checkpoint(name)
    text = sources(name, 1)[0]
    for width, penalty in [(3, NO_LENGTH_PENALTY), (5, LengthPenalty("gnmt", 0.6))]:
        result = beam_search(ckpt, text, width, penalty=penalty)
        assert len(result.nbest) == width
        for hypothesis in result.nbest:
            forced = teacher_forced(ckpt, result.source, hypothesis.token_ids)
            assert hypothesis.log_prob == pytest.approx(sum(forced), abs=1e-4)
            assert hypothesis.token_log_probs == pytest.approx(forced, abs=1e-5)
            assert hypothesis.score == pytest.approx(penalty.score(sum(forced), len(forced)), abs=1e-4)


@pytest.mark.parametrize("width", [2, 4, 8])
@pytest.mark.parametrize("penalty", PENALTIES, ids=lambda p: p.kind)
def test_every_tree_node_is_teacher_forced(width, penalty):
    """Pruned and cut nodes too: a node's cumulative log-prob is log P(its path | x)."""
    ckpt = checkpoint(REVERSE)
    result = beam_search(ckpt, "hello", width, penalty=penalty, max_len=7)
    tree = result.tree
    for node in tree.nodes[1:]:
        forced = teacher_forced(ckpt, result.source, tree.path_ids(node.id))
        assert node.cumulative_log_prob == pytest.approx(sum(forced), abs=1e-4)
        assert node.score == pytest.approx(penalty.score(sum(forced), node.step), abs=1e-4)
    for hypothesis in result.nbest:
        assert hypothesis.log_prob == pytest.approx(score_output_ids(ckpt, result, hypothesis), abs=1e-4)


def score_output_ids(ckpt, result, hypothesis) -> float:
    return sum(teacher_forced(ckpt, result.source, hypothesis.token_ids))


def test_score_output_is_model_trace():
    ckpt = checkpoint(REVERSE)
    scored = score_output(ckpt, "abcde", "edcba")
    assert scored.tokens == ["e", "d", "c", "b", "a", "<eos>"]
    source_ids = ckpt.source_vocab.encode(list("abcde"), add_eos=True)
    expected = teacher_forced(ckpt, source_ids, ckpt.target_vocab.encode(list("edcba"), add_eos=True))
    assert scored.token_log_probs == pytest.approx(expected, abs=1e-6)
    assert scored.log_prob == pytest.approx(sum(expected), abs=1e-6)
    assert score_output(ckpt, "abcde", "ed😀").unknown == ["😀"]


# ------------------------------------------------------------------------- exhaustive search, tiny models

TINY_MODELS = {
    "gru-bahdanau": {"cell": "gru", "attention": "bahdanau"},
    "lstm-none": {"cell": "lstm", "attention": "none"},
    "rnn-luong-general": {"cell": "rnn", "attention": "luong-general"},
    "lstm-bahdanau-copy-coverage": {"cell": "lstm", "attention": "bahdanau", "copy": True, "coverage": True},
}


@cache
def tiny_checkpoint(kind: str, target_size: int, seed: int) -> Checkpoint:
    """A random seeded model in float64 whose outputs are ``<eos>``, ``<unk>`` and one or two letters.

    A copy model's target letters are the source's own (``a``, ``b``): with one of them only (size 5),
    ``b`` is an extended id, so the search runs over the extended vocabulary."""
    torch.manual_seed(seed)
    source_vocab = Vocab([*SPECIALS, "a", "b"])
    options = dict(TINY_MODELS[kind])
    letters = ["a", "b"] if options.get("copy") else ["x", "y"]
    target_vocab = Vocab([*SPECIALS, *letters][:target_size])
    if options.get("copy"):
        options["source_to_target"] = [PAD_ID, SOS_ID, EOS_ID, UNK_ID, 4, 5 if target_size > 5 else UNK_ID]
    config = Seq2SeqConfig(len(source_vocab), len(target_vocab), embedding_size=4, hidden_size=6, **options)
    model = Seq2Seq(config).double().eval()
    with torch.no_grad():
        model.decoder.output.weight.mul_(4.0)  # sharper distributions: greedy and the optimum part ways
    return Checkpoint(model=model, config=config, target_vocab=target_vocab, source_vocab=source_vocab)


def outcomes(vocab_size: int, max_len: int) -> list[tuple[int, ...]]:
    """Every output the decoder can write within ``max_len`` tokens: a sequence of non-<eos> tokens then
    <eos> (<eos> counted in the length), or ``max_len`` non-<eos> tokens cut there. <pad> and <sos> are
    never outputs."""
    words = [i for i in range(vocab_size) if i not in (PAD_ID, SOS_ID, EOS_ID)]
    ended = [(*body, EOS_ID) for n in range(max_len) for body in itertools.product(words, repeat=n)]
    return ended + list(itertools.product(words, repeat=max_len))


def exhaustive_ranking(ckpt, text, max_len, penalty) -> list[tuple[float, tuple[int, ...], float]]:
    """Every outcome as (score, ids, log P) by teacher forcing, best first; a copy model's outcomes are
    over the input's extended vocabulary."""
    source = prepare_source(ckpt, text)
    scored = []
    for ids in outcomes(len(output_vocab(ckpt, source)), max_len):
        log_prob = sum(teacher_forced(ckpt, source, list(ids)))
        scored.append((penalty.score(log_prob, len(ids)), ids, log_prob))
    return sorted(scored, key=lambda row: -row[0])


TINY_CASES = [
    (kind, size, length)
    for kind in TINY_MODELS
    for size, length in ([(6, 3), (5, 3)] if "copy" in kind else [(6, 3), (5, 4)])
]


@pytest.mark.parametrize(("kind", "target_size", "max_len"), TINY_CASES)
def test_wide_beam_is_exhaustive_search(kind, target_size, max_len):
    ckpt = tiny_checkpoint(kind, target_size, seed=7)
    for text in ["ab", "bba"]:
        everything = outcomes(len(output_vocab(ckpt, prepare_source(ckpt, text))), max_len)
        for penalty in [*PENALTIES, LengthPenalty("gnmt", 2.0), LengthPenalty("length", 4.0)]:
            ranking = exhaustive_ranking(ckpt, text, max_len, penalty)
            # The outcomes partition every way decoding can go: their probabilities sum to 1.
            assert math.fsum(math.exp(row[2]) for row in ranking) == pytest.approx(1.0, abs=1e-9)
            # Every outcome: the beam keeps every path and must find all of them, in the same order.
            result = beam_search(ckpt, text, len(everything), max_len=max_len, penalty=penalty)
            assert [tuple(h.token_ids) for h in result.nbest] == [row[1] for row in ranking]
            assert [h.score for h in result.nbest] == pytest.approx([row[0] for row in ranking], abs=1e-9)
            # The best few, with early stopping: still exact.
            for n_best in (1, 3):
                top = beam_search(
                    ckpt, text, len(everything), max_len=max_len, penalty=penalty, n_best=n_best
                )
                assert [tuple(h.token_ids) for h in top.nbest] == [row[1] for row in ranking[:n_best]]


class PrefixState:
    """The decoder state of ``ScriptedModel``: the tokens each row has read so far."""

    def __init__(self, prefixes: torch.Tensor) -> None:
        self.prefixes = prefixes

    def index_select(self, rows: torch.Tensor) -> PrefixState:
        return PrefixState(self.prefixes.index_select(0, rows))


class NoMemory:
    def index_select(self, rows: torch.Tensor) -> NoMemory:
        return self


class ScriptedDecoder(torch.nn.Module):
    """Next-token log-probs drawn at random (seeded) for every prefix: cheap enough to search exhaustively
    hundreds of times, and sharp or flat at will."""

    def __init__(self, vocab_size: int, seed: int, sharpness: float) -> None:
        super().__init__()
        self.vocab_size, self.seed, self.sharpness = vocab_size, seed, sharpness
        never_output = torch.zeros(vocab_size, dtype=torch.bool)
        never_output[[PAD_ID, SOS_ID]] = True
        self.register_buffer("never_output", never_output)

    def distribution(self, prefix: tuple[int, ...]) -> torch.Tensor:
        rng = random.Random(f"{self.seed}:{prefix}")
        logits = torch.tensor(
            [rng.gauss(0, self.sharpness) for _ in range(self.vocab_size)], dtype=torch.float64
        )
        return torch.log_softmax(logits.masked_fill(self.never_output, float("-inf")), -1)

    def forward(self, inputs, state, memory):
        prefixes = torch.cat([state.prefixes, inputs], 1)
        rows = [self.distribution(tuple(row[1:])) for row in prefixes.tolist()]
        return SimpleNamespace(log_probs=torch.stack(rows).unsqueeze(1)), PrefixState(prefixes)


class ScriptedModel(torch.nn.Module):
    def __init__(self, vocab_size: int, seed: int, sharpness: float) -> None:
        super().__init__()
        self.decoder = ScriptedDecoder(vocab_size, seed, sharpness)
        self.anchor = torch.nn.Parameter(torch.zeros(1))  # a parameter tells the search the device

    def start(self, source, lengths):
        return None, NoMemory(), PrefixState(torch.zeros(1, 0, dtype=torch.long))

    def log_prob(self, ids: tuple[int, ...]) -> float:
        return sum(float(self.decoder.distribution(ids[:t])[token]) for t, token in enumerate(ids))


@pytest.mark.parametrize("sharpness", [0.5, 2.0, 4.0])
def test_wide_beam_is_exhaustive_search_on_scripted_models(sharpness):
    """Many random distributions, strong length penalties: the early stop must never cut off an outcome
    that a longer hypothesis could still reach (a length penalty lets long outputs overtake)."""
    vocab = Vocab([*SPECIALS, "x", "y"])
    max_len = 4
    everything = outcomes(len(vocab), max_len)
    penalties = [*PENALTIES, LengthPenalty("gnmt", 3.0), LengthPenalty("length", 4.0)]
    for seed in range(12):
        model = ScriptedModel(len(vocab), seed, sharpness)
        log_probs = {ids: model.log_prob(ids) for ids in everything}
        for penalty in penalties:
            ranking = sorted(everything, key=lambda ids: -penalty.score(log_probs[ids], len(ids)))
            for n_best in (1, 2, 5):
                tree = beam_search_ids(model, [EOS_ID], vocab, 200, max_len, penalty, n_best)
                found = [tuple(tree.path_ids(i)) for i in tree.best_ids]
                assert found == ranking[:n_best], (seed, penalty, n_best)


def test_the_exhaustive_check_has_teeth():
    """On these tiny models greedy decoding often misses the optimum, and so does a narrow beam: the
    exhaustive comparison above would catch a search that stopped early or ranked wrongly."""
    greedy_misses = narrow_misses = 0
    for kind, target_size, max_len in TINY_CASES:
        ckpt = tiny_checkpoint(kind, target_size, seed=7)
        for text in ["ab", "bba"]:
            best = exhaustive_ranking(ckpt, text, max_len, NO_LENGTH_PENALTY)[0][1]
            greedy_misses += tuple(beam_search(ckpt, text, 1, max_len=max_len).best.token_ids) != best
            narrow_misses += tuple(beam_search(ckpt, text, 2, max_len=max_len).best.token_ids) != best
    assert greedy_misses >= 2 and narrow_misses >= 1


# --------------------------------------------------------------------------------------- the tree


@pytest.mark.parametrize("penalty", PENALTIES, ids=lambda p: p.kind)
def test_tree_is_consistent(penalty):
    ckpt = checkpoint("en-fr-lstm-bahdanau")
    width = 4
    result = beam_search(ckpt, sources("en-fr-lstm-bahdanau", 1)[0], width, penalty=penalty)
    tree = result.tree
    root = tree.nodes[0]
    assert root.parent_id is None and root.step == 0 and root.token_id == SOS_ID
    assert [node.id for node in tree.nodes] == list(range(len(tree.nodes)))
    for node in tree.nodes[1:]:
        parent = tree.nodes[node.parent_id]
        assert parent.step == node.step - 1 and parent.status == "kept"  # only kept nodes are extended
        assert node.cumulative_log_prob == parent.cumulative_log_prob + node.log_prob
        assert node.score == penalty.score(node.cumulative_log_prob, node.step)
        assert node.log_prob <= 0 and math.isfinite(node.log_prob)
        assert node.token_id not in (PAD_ID, SOS_ID)
        if node.status == "kept":
            assert node.token_id != EOS_ID and node.step < result.max_len
        if node.status == "finished":
            assert node.token_id == EOS_ID or node.step == result.max_len
    for step in range(1, tree.steps + 1):
        nodes = sorted(tree.at_step(step), key=lambda n: n.rank)
        assert [n.rank for n in nodes] == list(range(len(nodes)))
        survivors = [n for n in nodes if n.status != "pruned"]
        assert len(survivors) <= width and len(nodes) <= 2 * width
        assert nodes[: len(survivors)] == survivors  # the best survive, the next are pruned
        totals = [n.cumulative_log_prob for n in nodes]
        assert totals == sorted(totals, reverse=True)
        live_before = sum(1 for n in tree.at_step(step - 1) if n.status == "kept")
        assert live_before <= width
    assert tree.steps == max(node.step for node in tree.nodes)
    # The n-best: one distinct finished node each, best first, no finished node better than the last.
    finished = [node for node in tree.nodes if node.status == "finished"]
    ids = [h.node_id for h in result.nbest]
    assert len(set(ids)) == len(ids) == width and set(ids) <= {node.id for node in finished}
    scores = [h.score for h in result.nbest]
    assert scores == sorted(scores, reverse=True)
    assert all(node.score <= scores[-1] for node in finished if node.id not in ids)
    for hypothesis in result.nbest:
        path = tree.path(hypothesis.node_id)
        assert [n.token for n in path] == hypothesis.tokens
        assert hypothesis.log_prob == tree.nodes[hypothesis.node_id].cumulative_log_prob
        assert hypothesis.score == tree.nodes[hypothesis.node_id].score


def test_exports():
    result = beam_search(checkpoint(REVERSE), "abcdef", 3)
    data = beam_to_json(result)
    assert len(data["tree"]) == len(result.tree.nodes) and len(data["nbest"]) == 3
    assert {"output", "tokens", "log_prob", "score"} <= set(data["nbest"][0])
    layout = to_opennmt_beam(result)
    assert len(layout["predicted_ids"]) == result.tree.steps
    for step, (ids, parents, scores) in enumerate(
        zip(layout["predicted_ids"], layout["beam_parent_ids"], layout["scores"], strict=True), start=1
    ):
        assert 1 <= len(ids) == len(parents) == len(scores) <= 3
        previous = layout["predicted_ids"][step - 2] if step > 1 else [SOS_ID]
        for parent in parents:
            assert 0 <= parent < len(previous) and previous[parent] != EOS_ID
    # Follow the best hypothesis back through the layout: its tokens, in order.
    best = result.tree.nodes[result.best.node_id]
    index = sorted((n for n in result.tree.at_step(best.step) if n.status != "pruned"), key=lambda n: n.rank)
    position = index.index(best)
    walked = []
    for step in range(best.step, 0, -1):
        walked.append(layout["predicted_ids"][step - 1][position])
        position = layout["beam_parent_ids"][step - 1][position]
    assert walked[::-1] == result.best.token_ids
    assert opennmt_beam_file([result, result])["scores"] == [layout["scores"]] * 2


# -------------------------------------------------------------------------------------------- batching


def test_one_decoder_call_per_step(monkeypatch):
    ckpt = checkpoint(REVERSE)
    decoder = ckpt.model.decoder
    batch_sizes: list[int] = []
    original = decoder.forward

    def counting_forward(inputs, state, memory):
        batch_sizes.append(inputs.size(0))
        return original(inputs, state, memory)

    monkeypatch.setattr(decoder, "forward", counting_forward)
    result = beam_search(ckpt, "abcdefgh", 6)
    assert len(batch_sizes) == result.tree.steps > 3
    assert max(batch_sizes) == 6 and sum(batch_sizes) > len(batch_sizes)  # the beam rides in the batch
    batch_sizes.clear()
    forced = beam_search(ckpt, "abcdefgh", 6, prefix=result.tree.path_ids(result.nbest[-1].node_id)[:3])
    assert len(batch_sizes) == forced.tree.steps and batch_sizes[:3] == [1, 1, 1]


# ------------------------------------------------------------------------------------- forced prefix


def test_forcing_a_pruned_node_reruns_from_it():
    ckpt = checkpoint(REVERSE)
    result = beam_search(ckpt, "abcdef", 3)
    pruned = next(n for n in result.tree.nodes if n.status == "pruned" and n.step == 2)
    prefix = result.tree.path_ids(pruned.id)
    rerun = beam_search(ckpt, "abcdef", 3, prefix=prefix)
    assert rerun.prefix == prefix
    forced_nodes = [n for n in rerun.tree.nodes if n.forced]
    assert [n.token_id for n in forced_nodes] == prefix and all(n.status == "kept" for n in forced_nodes)
    assert forced_nodes[-1].cumulative_log_prob == pytest.approx(pruned.cumulative_log_prob, abs=1e-4)
    for hypothesis in rerun.nbest:
        assert hypothesis.token_ids[:2] == prefix
        forced = teacher_forced(ckpt, rerun.source, hypothesis.token_ids)
        assert hypothesis.log_prob == pytest.approx(sum(forced), abs=1e-4)
    ended = beam_search(ckpt, "abcdef", 3, prefix=[*result.best.token_ids])  # ends with <eos>
    assert [h.token_ids for h in ended.nbest] == [result.best.token_ids]
    assert ended.best.log_prob == pytest.approx(result.best.log_prob, abs=1e-4)


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ([PAD_ID], "never outputs"),
        ([SOS_ID, 5], "never outputs"),
        ([EOS_ID, 5], "last forced token"),
        ([10_000], "not an id"),
        ([-1], "not an id"),
        ([4.0], "not an id"),
        ("abc", "list of target token ids"),
        ([5] * 50, "more than the maximum length"),
    ],
)
def test_bad_prefix(prefix, message):
    with pytest.raises(InputError, match=message):
        beam_search(checkpoint(REVERSE), "abcdef", 3, prefix=prefix, max_len=20)


# --------------------------------------------------------------------------------------------- sampling


@pytest.mark.parametrize("name", [REVERSE, "dates-lstm-bahdanau-copy-coverage", "reverse-gru-luong-general"])
def test_sampling_reduces_to_greedy(name):
    ckpt = checkpoint(name)
    for text in sources(name):
        expected = greedy_translate(ckpt, text)
        for options in [{"temperature": 0}, {"top_k": 1, "temperature": 3.0}, {"temperature": 1e-3}]:
            sampled = sample_translate(ckpt, text, seed=11, **options)
            assert sampled.tokens == expected.tokens, options
            assert sampled.log_prob == pytest.approx(expected.log_prob, abs=1e-6)
        assert sample_translate(ckpt, text, temperature=0).token_log_probs == expected.token_log_probs


def test_sampling_is_reproducible_and_faithful():
    ckpt = tiny_checkpoint("gru-bahdanau", 6, seed=7)
    draws = [sample_translate(ckpt, "ab", temperature=1.5, seed=seed, max_len=6) for seed in range(12)]
    again = [sample_translate(ckpt, "ab", temperature=1.5, seed=seed, max_len=6) for seed in range(12)]
    assert [d.tokens for d in draws] == [d.tokens for d in again]
    assert [d.log_prob for d in draws] == [d.log_prob for d in again]
    assert len({tuple(d.tokens) for d in draws}) >= 3  # the seed matters
    source_ids = ckpt.source_vocab.encode(["a", "b"], add_eos=True)
    for draw in draws:
        ids = ckpt.target_vocab.encode(draw.tokens)
        assert draw.log_prob == pytest.approx(sum(teacher_forced(ckpt, source_ids, ids)), abs=1e-9)
        assert draw.finished == (draw.tokens[-1] == "<eos>")
    top2 = [sample_translate(ckpt, "ab", temperature=5.0, top_k=2, seed=s, max_len=6) for s in range(12)]
    # top-k 2: every token drawn is one of the two most probable at its step
    for draw in top2:
        ids = ckpt.target_vocab.encode(draw.tokens)
        log_probs = ckpt.model.trace(source_ids, ids).log_probs
        for step, token_id in enumerate(ids):
            assert token_id in log_probs[step].topk(2).indices.tolist()


# ----------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("", {}, "empty"),
        ("   \n\t", {}, "empty"),
        ("x" * 100_000, {}, "limit"),
        ("abc", {"width": 0}, "beam width"),
        ("abc", {"width": -3}, "beam width"),
        ("abc", {"width": MAX_BEAM_WIDTH + 1}, "beam width"),
        ("abc", {"width": 10**12}, "beam width"),
        ("abc", {"width": 2.5}, "beam width"),
        ("abc", {"width": True}, "beam width"),
        ("abc", {"max_len": 0}, "maximum length"),
        ("abc", {"max_len": -1}, "maximum length"),
        ("abc", {"max_len": 10**9}, "maximum length"),
        ("abc", {"n_best": 0}, "n_best"),
        ("abc", {"width": 2, "n_best": 3}, "n_best"),
        ("abc", {"penalty": "gnmt"}, "LengthPenalty"),
    ],
)
def test_bad_beam_input(text, options, message):
    with pytest.raises(InputError, match=message):
        beam_search(checkpoint(REVERSE), text, **options)


@pytest.mark.parametrize(
    ("kind", "alpha", "message"),
    [
        ("gnmt", float("nan"), "alpha"),
        ("gnmt", -0.5, "alpha"),
        ("gnmt", float("inf"), "alpha"),
        ("length", "1", "alpha"),
        ("none", 0.6, "no alpha"),
        ("wu", 0.6, "must be one of"),
    ],
)
def test_bad_length_penalty(kind, alpha, message):
    with pytest.raises(InputError, match=message):
        LengthPenalty(kind, alpha)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"temperature": -1.0}, "temperature"),
        ({"temperature": float("nan")}, "temperature"),
        ({"temperature": "hot"}, "temperature"),
        ({"top_k": 0}, "top-k"),
        ({"seed": -1}, "seed"),
        ({"max_len": 0}, "maximum length"),
    ],
)
def test_bad_sampling_input(options, message):
    with pytest.raises(InputError, match=message):
        sample_translate(checkpoint(REVERSE), "abc", **options)


def test_a_language_model_is_not_a_translator():
    for call in (
        lambda c: beam_search(c, "hello", 3),
        lambda c: sample_translate(c, "hello"),
        lambda c: score_output(c, "hello", "hi"),
    ):
        with pytest.raises(InputError, match="not a translation model"):
            call(checkpoint(LANGUAGE_MODELS[0]))


def test_unknown_symbols_are_read_as_unk_like_greedy():
    """Not an error (the project's rule): unknown symbols become <unk>, are reported, and width 1 is
    still greedy_translate."""
    ckpt = checkpoint(REVERSE)
    for text in ["ab😀中", "😀😀😀", "a\x00\u202eb", "ÅÉ"]:
        result = beam_search(ckpt, text, 1)
        expected = greedy_translate(ckpt, text)
        assert result.source.unknown == expected.source.unknown != []
        assert result.best.tokens == expected.tokens and result.best.log_prob == expected.log_prob


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40), width=st.integers(1, 6))
def test_any_text_gives_a_result_or_an_input_error(text, width):
    try:
        result = beam_search(checkpoint(REVERSE), text, width, max_len=12)
    except InputError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert 1 <= len(result.nbest) <= width
    assert all(math.isfinite(h.log_prob) for h in result.nbest)


def test_the_tree_figure_draws_every_node_with_its_numbers_and_the_best_path_in_red():
    from seqviz.viz.beam import BEST, beam_tree_figure, best_path_ids
    from tests.support.vega_read import schema_errors

    result = beam_search(checkpoint(REVERSE), "abcdef", 3)
    tree = result.tree
    spec = beam_tree_figure(tree, up_to_step=2, chosen=tree.nodes[1].id, title="tree")
    assert schema_errors(spec) == []
    nodes, edges = spec["datasets"]["nodes"], spec["datasets"]["edges"]
    expected = [node for node in tree.nodes if node.parent_id is not None and node.step <= 2]
    assert sorted(nodes["id"]) == sorted(node.id for node in expected)
    by_id = nodes.set_index("id")
    for node in expected:
        assert by_id.loc[node.id, "token"] == node.token and by_id.loc[node.id, "score"] == node.score
        assert by_id.loc[node.id, "log_p"] == node.log_prob
    assert len(edges) == len(expected)  # one edge into every drawn node
    assert set(nodes[nodes["best"]]["id"]) == best_path_ids(tree) & set(nodes["id"])
    assert edges["best"].tolist() == sorted(edges["best"].tolist())  # the red path drawn last, on top
    assert any(
        layer["encoding"].get("color", {}).get("condition", {}).get("value") == BEST
        for layer in spec["layer"]
    )
    assert spec["layer"][-1]["mark"]["stroke"] == "#ff7f0e"  # the chosen node, ringed
