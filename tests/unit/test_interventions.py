"""Interventions on attention: the hook with the model's own weights changes nothing, each rewrite is the
formula it claims, and every shipped checkpoint with attention can be intervened on."""

from __future__ import annotations

import pytest
import torch

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.data.examples import default_input
from seqviz.errors import InputError
from seqviz.explain import interventions as iv
from seqviz.inference import extended_source, greedy_translate, prepare_source
from tests.support.checkpoints import untrained_checkpoint

SHIPPED = {info.name: info for info in list_checkpoints()}
WITH_ATTENTION = sorted(
    name
    for name, info in SHIPPED.items()
    if info.kind == "seq2seq" and getattr(info.config, "attention", "none") != "none"
)


@pytest.fixture(scope="module")
def checkpoints():
    return {name: load_checkpoint(SHIPPED[name].path) for name in [*WITH_ATTENTION, "reverse-lstm-none"]}


def test_the_shipped_set_covers_every_attention_wiring():
    kinds = {(SHIPPED[n].config.attention, SHIPPED[n].config.copy, SHIPPED[n].config.coverage) for n in
             WITH_ATTENTION}  # fmt: skip
    assert ("bahdanau", False, False) in kinds
    assert ("luong-general", False, False) in kinds
    assert ("bahdanau", True, True) in kinds


@pytest.mark.parametrize("name", WITH_ATTENTION)
def test_identity_reproduces_the_models_greedy_output_exactly(checkpoints, name):
    checkpoint = checkpoints[name]
    text = default_input(checkpoint)
    source = prepare_source(checkpoint, text)
    ids, lengths = torch.tensor([source.ids]), torch.tensor([len(source.ids)])
    extended = extended_source(source)
    own = checkpoint.model.greedy(ids, lengths, 40, extended)
    hooked = iv.decode_with(checkpoint.model, ids, lengths, 40, iv.IDENTITY, extended=extended)
    assert torch.equal(hooked.tokens, own.tokens)
    assert torch.equal(hooked.token_log_probs, own.token_log_probs)  # bit for bit
    report = iv.intervene(checkpoint, text)
    translation = greedy_translate(checkpoint, text)
    assert report.own.output_tokens == tuple(translation.tokens)
    assert report.own.token_log_probs == tuple(translation.token_log_probs)
    assert report.own.log_prob == translation.log_prob and not report.own.changed
    assert report.own.own_output_log_prob == pytest.approx(translation.log_prob, abs=1e-4)  # teacher-forced
    assert [o.intervention for o in report.outcomes] == list(iv.INTERVENTIONS)
    for outcome in report.outcomes:  # every shipped model with attention runs every intervention
        assert len(outcome.attention) == len(outcome.output_tokens)
        assert all(sum(row) == pytest.approx(1.0, abs=1e-5) for row in outcome.attention)
        assert outcome.changed == (outcome.output_tokens != report.own.output_tokens)
        assert outcome.log_prob == pytest.approx(sum(outcome.token_log_probs))


def test_identity_attention_is_the_forward_pass_weights(checkpoints):
    from seqviz.explain.attention import attention_map

    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    report = iv.intervene(checkpoint, "abcdefg")
    shown = attention_map(checkpoint, "abcdefg").weights
    assert torch.allclose(torch.tensor(report.own.attention), torch.tensor(shown), atol=1e-6)


@pytest.mark.parametrize("name", ["reverse-lstm-bahdanau", "reverse-gru-luong-general"])
def test_uniform_attention_reads_the_mean_of_the_encoder_states(checkpoints, name):
    model = checkpoints[name].model
    source = torch.tensor([[5, 6, 7, 8, 2], [5, 6, 2, 0, 0]])  # the second row is padded
    lengths = torch.tensor([5, 3])
    encoded, memory, state = model.start(source, lengths)
    contexts = []
    rewrite = iv.make_rewrite("uniform", 2, 4, 5)
    with torch.no_grad(), iv.attention_replaced(model, rewrite):
        seen = model.decoder.attention.register_forward_hook(lambda m, a, out: contexts.append(out.context))
        try:
            model.decoder(torch.tensor([[1, 5, 6, 7], [1, 5, 6, 7]]), state, memory)
        finally:
            seen.remove()
    context = torch.cat(contexts, 1)  # [batch, steps, hidden]
    for row, n in enumerate(lengths.tolist()):
        mean = encoded.outputs[row, :n].mean(0)
        assert torch.allclose(context[row], mean.expand_as(context[row]), atol=1e-6)


def test_permutation_is_seeded_and_moves_weight_only_between_real_positions():
    weights = torch.softmax(torch.randn(2, 3, 6, generator=torch.Generator().manual_seed(1)), -1)
    mask = torch.tensor([[True] * 6, [True] * 4 + [False] * 2])
    weights = weights.masked_fill(~mask[:, None], 0.0)
    once = iv.make_rewrite("permute", 2, 3, 6, seed=7)(weights, mask, 0)
    again = iv.make_rewrite("permute", 2, 3, 6, seed=7)(weights, mask, 0)
    other = iv.make_rewrite("permute", 2, 3, 6, seed=8)(weights, mask, 0)
    assert torch.equal(once, again)
    assert not torch.equal(once, other)
    assert torch.equal(once.sort(-1).values, weights.sort(-1).values)  # the same numbers, moved
    assert torch.equal(once[1, :, 4:], torch.zeros(3, 2))  # padding stays at zero
    stepwise = torch.cat([iv.make_rewrite("permute", 2, 3, 6, seed=7)(weights[:, t : t + 1], mask, t)
                          for t in range(3)], 1)  # fmt: skip
    assert torch.equal(stepwise, once)  # one step at a time or all at once: the same permutation


@pytest.mark.parametrize("name", ["reverse-lstm-bahdanau", "reverse-gru-luong-general"])
def test_a_permuted_decode_rescored_under_the_same_permutation_gives_its_log_prob(checkpoints, name):
    checkpoint = checkpoints[name]
    source = prepare_source(checkpoint, "abcdefgh")
    ids, lengths = torch.tensor([source.ids]), torch.tensor([len(source.ids)])
    decoded = iv.decode_with(checkpoint.model, ids, lengths, 30, "permute", seed=3)
    again = iv.decode_with(checkpoint.model, ids, lengths, 30, "permute", seed=3)
    assert torch.equal(decoded.tokens, again.tokens)
    output = decoded.tokens[0, : int(decoded.lengths[0])].tolist()
    rescored = iv.score_with(checkpoint.model, ids, lengths, output, "permute", 30, seed=3)
    assert torch.allclose(rescored, decoded.token_log_probs[0, : len(output)], atol=1e-5)


def test_masking_the_argmax_renormalises_the_rest():
    weights = torch.tensor([[[0.1, 0.6, 0.3, 0.0], [0.0, 1.0, 0.0, 0.0]]])
    mask = torch.tensor([[True, True, True, False]])
    masked = iv.mask_argmax_weights(weights, mask)
    assert torch.allclose(masked[0, 0], torch.tensor([0.25, 0.0, 0.75, 0.0]))
    assert torch.allclose(
        masked[0, 1], torch.tensor([0.5, 0.0, 0.5, 0.0])
    )  # nothing left: uniform over the rest


def test_a_model_without_attention_has_nothing_to_intervene_on(checkpoints):
    with pytest.raises(InputError, match="no attention"):
        iv.intervene(checkpoints["reverse-lstm-none"], "abcd")
    with pytest.raises(InputError, match="no attention"):
        iv.survival_rates(checkpoints["reverse-lstm-none"], size=4)


def test_an_unknown_intervention_is_refused(checkpoints):
    with pytest.raises(InputError, match="unknown intervention"):
        iv.intervene(checkpoints["reverse-lstm-bahdanau"], "abcd", interventions=["shuffle"])
    with pytest.raises(InputError, match="unknown intervention"):
        iv.survival_rates(checkpoints["reverse-lstm-bahdanau"], interventions=["shuffle"], size=4)


def test_survival_on_the_validation_set_is_bounded_and_the_identity_always_survives(checkpoints):
    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    seen = []
    report = iv.survival_rates(
        checkpoint,
        (iv.IDENTITY, "uniform"),
        size=40,
        batch_size=16,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert report.examples == 40 and seen[-1] == (40, 40) and len(seen) == 3
    assert report.rate(iv.IDENTITY).share == 1.0
    assert 0.0 <= report.rate("uniform").share < 0.5  # the reverse model relies on where it looks
    assert iv.survival_rates(checkpoint, ("uniform",), size=40, batch_size=16) == iv.survival_rates(
        checkpoint, ("uniform",), size=40, batch_size=16
    )
    big = iv.survival_rates(checkpoint, ("mask-argmax",), size=10**9, batch_size=256)
    assert big.examples <= iv.MAX_SURVIVAL_EXAMPLES


# ------------------------------------------------------------------------------- untrained wirings


WIRINGS = [
    {"attention": "luong-dot", "coverage": True, "copy": True},
    {"attention": "luong-general", "copy": True},
    {"attention": "bahdanau", "coverage": True},
    {"attention": "bahdanau", "cell": "gru", "num_layers": 2, "bidirectional": True},
    {"attention": "luong-dot", "cell": "rnn", "coverage": True},
]


@pytest.mark.parametrize("choice", WIRINGS, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_every_wiring_runs_and_the_identity_is_exact(choice):
    checkpoint = untrained_checkpoint("copy", **choice)
    source = prepare_source(checkpoint, "abcdef")
    ids, lengths = torch.tensor([source.ids]), torch.tensor([len(source.ids)])
    extended = extended_source(source)
    own = checkpoint.model.greedy(ids, lengths, 12, extended)
    hooked = iv.decode_with(checkpoint.model, ids, lengths, 12, iv.IDENTITY, extended=extended)
    assert torch.equal(hooked.tokens, own.tokens) and torch.equal(hooked.token_log_probs, own.token_log_probs)
    report = iv.intervene(checkpoint, "abcdef", max_len=12)
    assert len(report.outcomes) == 3 and report.own.output_tokens
    padded = torch.tensor([[5, 6, 7, 8, 2], [5, 6, 2, 0, 0]])
    encoded, memory, state = checkpoint.model.start(padded, torch.tensor([5, 3]))
    contexts = []
    with torch.no_grad(), iv.attention_replaced(checkpoint.model, iv.make_rewrite("uniform", 2, 3, 5)):
        seen = checkpoint.model.decoder.attention.register_forward_hook(
            lambda m, a, out: contexts.append(out.context)
        )
        try:
            checkpoint.model.decoder(torch.tensor([[1, 5, 6], [1, 5, 6]]), state, memory)
        finally:
            seen.remove()
    context = torch.cat(contexts, 1)
    assert torch.allclose(context[1], encoded.outputs[1, :3].mean(0).expand(3, -1), atol=1e-6)


def test_hostile_inputs_give_a_clear_error_or_an_answer(checkpoints):
    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    with pytest.raises(InputError, match="empty"):
        iv.intervene(checkpoint, "   ")
    with pytest.raises(InputError, match="limit"):
        iv.intervene(checkpoint, "a" * 5_000)
    report = iv.intervene(checkpoint, "ab😀\u202ecd")  # unknown symbols are read as <unk>
    assert "<unk>" in report.source_tokens and len(report.outcomes) == 3


def test_the_json_downloads_hold_the_reports(checkpoints):
    import json

    from seqviz.export.json_export import download_json, intervention_report_to_json, survival_to_json

    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    report = iv.intervene(checkpoint, "abcdef")
    data = json.loads(download_json(intervention_report_to_json(report)))
    assert data["own"]["output_text"] == "fedcba" and data["outcomes"][0]["intervention"] == "uniform"
    assert data["outcomes"][1]["attention"] == [list(row) for row in report.outcomes[1].attention]
    survival = iv.survival_rates(checkpoint, ("uniform",), size=8)
    data = json.loads(download_json(survival_to_json(survival)))
    assert data["rates"] == [{"intervention": "uniform", "survived": survival.rates[0].survived, "total": 8,
                              "share": survival.rates[0].share}]  # fmt: skip


def test_interventions_and_ablations_never_run_through_the_shared_model(checkpoints):
    """A page's cached model serves every session at once: the hooks go on a private copy, so another
    session decoding meanwhile never sees rewritten attention or clamped units."""
    from seqviz.explain.units import HIDDEN, UnitRef, ablate_units

    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    shared = (checkpoint.model.decoder.attention, checkpoint.model.decoder.rnn)
    calls = []  # the modules that ran (a private copy carries these watchers too, but runs as itself)
    watchers = [module.register_forward_hook(lambda module, *args: calls.append(module)) for module in shared]
    try:
        iv.intervene(checkpoint, default_input(checkpoint))
        iv.survival_rates(checkpoint, size=8)
        ablate_units(checkpoint, [UnitRef(HIDDEN, 0, 0, 3)], size=8)
    finally:
        for watcher in watchers:
            watcher.remove()
    assert calls and not any(module is original for module in calls for original in shared)
    assert not checkpoint.model.training
