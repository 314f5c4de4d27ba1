"""Decoding a trained seq2seq model, one token at a time, with every number the decoder used on the way.

``DecodeStepper`` holds the encoder's memory and a stack of decoder states, one per token written:

- ``step()`` runs ONE decoder step (``Decoder.forward`` on the previous token, the very call greedy decoding
  makes) and writes its argmax; ``force(token)`` writes any other token instead (a what-if);
- ``back()`` pops the last token and restores the state before it, O(1): no decoding runs again;
- ``reset()`` goes back to the start, ``run_to_end()`` continues greedily until ``<eos>`` or ``max_len``.

Each written token is a ``StepView``: the attention row over the source, the decoder's hidden state, the
whole next-token distribution (``top(k)`` for a chart), the chosen token, its log-probability, the running
sum, and ``p_gen`` when the model copies. The distribution of the *next* step is computed once, when first
asked for (``pending``), and kept: whatever token is then chosen, it costs no second decoder call.

``exposure_bias`` compares teacher forcing (the reference prefix is fed) with free running (the model's
own outputs are fed) on one reference: where the two first predict differently, and what probability each
gives the reference.

Beam search and sampling over the same ``Decoder.forward`` live in ``seqviz.explain.beam``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

import torch

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tokenizers import get_tokenizer
from seqviz.data.vocab import EOS_ID, NEVER_OUTPUT_IDS, SOS_ID
from seqviz.errors import InputError
from seqviz.inference import (
    PreparedInput,
    default_max_len,
    extended_source,
    output_vocab,
    prepare_output,
    prepare_source,
)
from seqviz.models.decoder import DecoderState, Memory

# ------------------------------------------------------------------------------------------ one step


@dataclass(frozen=True)
class StepDistribution:
    """What one decoder step computed, before any token is chosen from it."""

    step: int  # 1-based: the position of the token this step writes
    input_id: int  # the token the decoder read (y_{t-1}; <sos> at step 1)
    log_probs: torch.Tensor  # [target_vocab (+ n_oov, copy)] log P(w | y_<t, x), on the CPU
    attention: list[float] | None  # alpha_tj over the source positions (<eos> included); None: no attention
    hidden: list[float]  # s_t: the top recurrent layer's output at this step
    p_gen: float | None  # probability of generating rather than copying (copy models only)
    state: DecoderState  # the decoder state after this step (what the next step starts from)
    # A Transformer's cross-attention of this step, [layer][head][source position]: each head's own weights
    # (``attention`` is the last layer's mean over them, the model's single-row summary). None for an RNN.
    head_attention: list[list[list[float]]] | None = None

    @property
    def best_id(self) -> int:
        return int(self.log_probs.argmax())

    def top(self, k: int) -> list[tuple[int, float]]:
        """The ``k`` most probable next tokens as ``(id, probability)``, most probable first."""
        k = max(1, min(int(k), self.log_probs.numel()))
        values, ids = self.log_probs.topk(k)
        return [(int(i), math.exp(float(v))) for v, i in zip(values, ids, strict=True)]


@dataclass(frozen=True)
class StepView:
    """One written token: the step's distribution and what was chosen from it."""

    distribution: StepDistribution
    chosen_id: int
    chosen_token: str
    forced: bool  # chosen by the user, not the argmax
    log_prob: float  # log P(chosen | y_<t, x)
    cumulative_log_prob: float  # sum of log_prob over steps 1..t

    @property
    def step(self) -> int:
        return self.distribution.step

    @property
    def greedy_id(self) -> int:
        return self.distribution.best_id

    @property
    def attention(self) -> list[float] | None:
        return self.distribution.attention

    @property
    def hidden(self) -> list[float]:
        return self.distribution.hidden

    @property
    def p_gen(self) -> float | None:
        return self.distribution.p_gen

    def top(self, k: int) -> list[tuple[int, float]]:
        return self.distribution.top(k)


# ------------------------------------------------------------------------------------------- stepper


class DecodeStepper:
    """Step through the greedy decoding of ``text`` by ``checkpoint``'s model; see the module notes.

    The model is only read (it may be shared by every session of a server).
    """

    def __init__(self, checkpoint: Checkpoint, text: str, max_len: int | None = None) -> None:
        self.checkpoint = checkpoint
        self.text = text  # as typed: a replay (another path through the same input) starts from it
        self.source: PreparedInput = prepare_source(checkpoint, text)  # InputError for unusable text
        self.vocab = output_vocab(checkpoint, self.source)  # a copy model's: copied words by name
        self.max_len = max_len or default_max_len(len(self.source.ids))
        model = checkpoint.model
        self._model = model
        self._device = next(model.parameters()).device
        self.has_attention = model.decoder.attention is not None
        self.has_copy = bool(model.config.copy)
        with self._inference():
            source = torch.tensor([self.source.ids], dtype=torch.long, device=self._device)
            extended = extended_source(self.source, self._device)
            _, memory, state = model.start(source, torch.tensor([len(self.source.ids)]), extended)
        self._memory: Memory = memory
        self._initial_state: DecoderState = state
        self.steps: list[StepView] = []
        self._pending: StepDistribution | None = None

    # -------------------------------------------------------------------------------------- reading

    @property
    def source_tokens(self) -> list[str]:
        """The encoder's positions as the model read them (unknown symbols as <unk>, then <eos>)."""
        return self.source.shown_tokens

    @property
    def position(self) -> int:
        """How many tokens have been written."""
        return len(self.steps)

    @property
    def finished(self) -> bool:
        """The last token written is ``<eos>``."""
        return bool(self.steps) and self.steps[-1].chosen_id == EOS_ID

    @property
    def done(self) -> bool:
        """No further step is possible: ``<eos>`` written or ``max_len`` reached."""
        return self.finished or self.position >= self.max_len

    @property
    def output_ids(self) -> list[int]:
        return [view.chosen_id for view in self.steps]

    @property
    def output_tokens(self) -> list[str]:
        return [view.chosen_token for view in self.steps]

    @property
    def output_text(self) -> str:
        """The output so far, detokenized, without ``<eos>``."""
        words = self.vocab.decode(self.output_ids)
        return get_tokenizer(self.checkpoint.target_tokenizer).detokenize(words)

    @property
    def log_prob(self) -> float:
        """The running log-probability of the output so far (0 before the first token)."""
        return self.steps[-1].cumulative_log_prob if self.steps else 0.0

    @property
    def forced(self) -> dict[int, int]:
        """``{step: token id}`` of the tokens the user forced on the current path."""
        return {view.step: view.chosen_id for view in self.steps if view.forced}

    @property
    def pending(self) -> StepDistribution | None:
        """The next step's distribution (computed on first use, then kept); None when ``done``."""
        if self.done:
            return None
        if self._pending is None:
            self._pending = self._run_step()
        return self._pending

    def token_id(self, token: str | int) -> int:
        """An output id from a token or an id (a copy model's copyable source words included); InputError
        when the output vocabulary lacks it."""
        if isinstance(token, int):
            if not 0 <= token < len(self.vocab):
                raise InputError(f"token id {token} is outside the vocabulary of {len(self.vocab)} tokens")
            return token
        if token not in self.vocab:
            raise InputError(f"{token!r} is not in the model's output vocabulary")
        return self.vocab.id_of(token)

    # ------------------------------------------------------------------------------------- stepping

    def step(self) -> StepView | None:
        """Write the most probable next token (one decoder step); None when already ``done``."""
        pending = self.pending
        if pending is None:
            return None
        return self._push(pending, pending.best_id, forced=False)

    def force(self, token: str | int) -> StepView | None:
        """Write ``token`` (a token or an id) as the next token instead of the argmax; None when ``done``."""
        token_id = self.token_id(token)
        if token_id in NEVER_OUTPUT_IDS:
            raise InputError(f"{self.vocab.token_of(token_id)} is never an output; choose another token")
        pending = self.pending
        if pending is None:
            return None
        return self._push(pending, token_id, forced=True)

    def back(self) -> StepView | None:
        """Undo the last token, O(1): its step's distribution becomes the pending one again."""
        if not self.steps:
            return None
        view = self.steps.pop()
        self._pending = view.distribution
        return view

    def reset(self) -> None:
        self.steps.clear()
        self._pending = None

    def run_to_end(self, max_len: int | None = None) -> list[StepView]:
        """Continue greedily until ``<eos>`` or ``max_len`` tokens (default: the stepper's); the new steps."""
        limit = min(self.max_len, max_len) if max_len is not None else self.max_len
        added = []
        while not self.done and self.position < limit:
            view = self.step()
            assert view is not None
            added.append(view)
        return added

    def follow(self, forced: Mapping[int, int], steps: int) -> int:
        """Move to the view of ``steps`` tokens written greedily except at the ``forced`` steps
        (``{step: id}``, 1-based): the common prefix is kept, the rest undone and redone one step each.

        Stops early at ``<eos>`` or ``max_len``; returns the number of tokens written.
        """
        steps = max(0, int(steps))
        keep = 0
        while keep < min(len(self.steps), steps):
            view, wanted = self.steps[keep], forced.get(keep + 1)
            same = (not view.forced) if wanted is None else (view.forced and view.chosen_id == wanted)
            if not same:
                break
            keep += 1
        while len(self.steps) > keep:
            self.back()
        while self.position < steps and not self.done:
            wanted = forced.get(self.position + 1)
            if wanted is None:
                self.step()
            else:
                self.force(wanted)
        return self.position

    # ------------------------------------------------------------------------------------ internals

    @staticmethod
    def _inference() -> torch.no_grad:
        return torch.no_grad()

    def _run_step(self) -> StepDistribution:
        """One ``Decoder.forward`` call on the previous token, from the state after the last step."""
        if self.steps:
            state, input_id = self.steps[-1].distribution.state, self.steps[-1].chosen_id
        else:
            state, input_id = self._initial_state, SOS_ID
        decoder = self._model.decoder
        was_training = decoder.training
        decoder.eval()  # no dropout: the distribution shown is the one greedy decoding uses
        try:
            with self._inference():
                step_input = torch.tensor([[input_id]], dtype=torch.long, device=self._device)
                output, next_state = decoder(step_input, state, self._memory)
        finally:
            decoder.train(was_training)
        return StepDistribution(
            step=self.position + 1,
            input_id=input_id,
            log_probs=output.log_probs[0, -1].detach().cpu(),
            attention=None if output.attention is None else output.attention[0, -1].cpu().tolist(),
            hidden=output.rnn_outputs[0, -1].cpu().tolist(),
            p_gen=None if output.p_gen is None else float(output.p_gen[0, -1]),
            state=next_state,
            head_attention=_head_attention(output),
        )

    def _push(self, distribution: StepDistribution, token_id: int, *, forced: bool) -> StepView:
        log_prob = float(distribution.log_probs[token_id])
        view = StepView(
            distribution=distribution,
            chosen_id=token_id,
            chosen_token=self.vocab.token_of(token_id),
            forced=forced,
            log_prob=log_prob,
            cumulative_log_prob=self.log_prob + log_prob,
        )
        self.steps.append(view)
        self._pending = None
        return view


def replay(
    checkpoint: Checkpoint, text: str, forced: Mapping[int, int] | None = None, steps: int = 0
) -> DecodeStepper:
    """A stepper rebuilt from what a URL holds: the text, the forced tokens and the step."""
    stepper = DecodeStepper(checkpoint, text)
    stepper.follow(forced or {}, steps)
    return stepper


# --------------------------------------------------------------------------- forced tokens in a URL


def encode_forced(forced: Mapping[int, int], vocab_tokens: Sequence[str]) -> str:
    """``{2: id_x, 5: id_y}`` -> ``"2:x,5:y"``; only ``%``, ``,`` and ``:`` in a token are escaped."""
    return ",".join(f"{step}:{_escape(vocab_tokens[i])}" for step, i in sorted(forced.items()))


def _escape(token: str) -> str:
    return "".join(quote(ch, safe="") if ch in "%,:" else ch for ch in token)


def decode_forced(text: str, vocab_tokens: Sequence[str]) -> dict[int, int]:
    """The inverse of ``encode_forced``; ValueError for anything it cannot use (a URL typed by hand)."""
    ids = {token: i for i, token in enumerate(vocab_tokens)}
    forced: dict[int, int] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        step_text, sep, token = part.partition(":")
        step = int(step_text)
        token = unquote(token)
        if not sep or step < 1 or token not in ids or ids[token] in NEVER_OUTPUT_IDS:
            raise ValueError(f"unusable forced token {part!r}")
        forced[step] = ids[token]
    return forced


# ---------------------------------------------------------------------- teacher forcing vs free running


@dataclass(frozen=True)
class ExposureStep:
    """Step ``t`` (0-based here) under teacher forcing and under free running."""

    step: int
    reference_token: str | None  # y_t; None past the reference's end
    teacher_forced_token: str | None  # argmax P(. | y_<t, x); None past the reference's end
    free_token: str | None  # the free run's own y^_t; None past its end
    teacher_forced_log_prob: float | None  # log P(y_t | y_<t, x)
    free_log_prob: float | None  # log P(y_t | y^_<t, x): the reference token after the model's own prefix


@dataclass(frozen=True)
class ExposureBias:
    source: PreparedInput
    reference_tokens: list[str]  # <eos> included
    free_tokens: list[str]  # the greedy output, <eos> included when produced
    steps: list[ExposureStep]
    # first step, among those both regimes reached, where the teacher-forced prediction and the free output
    # differ; never before first_error + 1 (until the free run errs, both read the same prefix)
    first_difference: int | None
    first_error: int | None  # first step where the free run leaves the reference (a shorter run counts)
    teacher_forced_log_prob: float  # log P(reference | x), the teacher-forced score
    free_log_prob: float  # sum of log P(y_t | y^_<t, x) over the steps the free run reached
    free_steps_scored: int  # how many reference tokens that sum covers


def first_difference(a: Sequence[object], b: Sequence[object]) -> int | None:
    """The first index where ``a`` and ``b`` differ (one ending before the other counts); None if equal."""
    for index in range(max(len(a), len(b))):
        left = a[index] if index < len(a) else None
        right = b[index] if index < len(b) else None
        if left != right:
            return index
    return None


def exposure_bias(
    checkpoint: Checkpoint, text: str, reference: str, max_len: int | None = None
) -> ExposureBias:
    """Teacher forcing on ``reference`` vs the model's free-running (greedy) output for ``text``."""
    stepper = DecodeStepper(checkpoint, text, max_len)
    prepared = prepare_output(checkpoint, stepper.source, reference, what="reference")
    reference_ids = prepared.ids  # <eos> appended
    model = checkpoint.model
    extended = None if stepper.source.extended is None else stepper.source.extended.source_ids
    trace = model.trace(stepper.source.ids, reference_ids, source_extended=extended)
    teacher_ids = trace.log_probs.argmax(-1).tolist()
    teacher_log_probs = trace.token_log_probs.tolist()
    free = stepper.run_to_end()
    free_ids = [view.chosen_id for view in free]
    vocab = stepper.vocab
    rows = []
    free_scores = []
    for t in range(max(len(reference_ids), len(free_ids))):
        in_reference, in_free = t < len(reference_ids), t < len(free_ids)
        free_lp = (
            float(free[t].distribution.log_probs[reference_ids[t]]) if in_reference and in_free else None
        )
        if free_lp is not None:
            free_scores.append(free_lp)
        rows.append(
            ExposureStep(
                step=t,
                reference_token=vocab.token_of(reference_ids[t]) if in_reference else None,
                teacher_forced_token=vocab.token_of(teacher_ids[t]) if in_reference else None,
                free_token=vocab.token_of(free_ids[t]) if in_free else None,
                teacher_forced_log_prob=teacher_log_probs[t] if in_reference else None,
                free_log_prob=free_lp,
            )
        )
    return ExposureBias(
        source=stepper.source,
        reference_tokens=[vocab.token_of(i) for i in reference_ids],
        free_tokens=[vocab.token_of(i) for i in free_ids],
        steps=rows,
        first_difference=first_difference(teacher_ids[: len(free_ids)], free_ids[: len(teacher_ids)]),
        first_error=first_difference(reference_ids, free_ids),
        teacher_forced_log_prob=float(sum(teacher_log_probs)),
        free_log_prob=float(sum(free_scores)),
        free_steps_scored=len(free_scores),
    )


def _head_attention(output: object) -> list[list[list[float]]] | None:
    """This step's cross-attention per layer and head (``[batch, layers, heads, steps, source]`` in a
    Transformer's output; RNN decoders have none)."""
    cross = getattr(output, "cross_attention", None)
    return None if cross is None else cross[0, :, :, -1].float().cpu().tolist()
