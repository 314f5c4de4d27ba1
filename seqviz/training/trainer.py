"""The training engine: Adam, masked cross-entropy, clipping, teacher forcing, callbacks, and control.

One ``Seq2SeqTrainer`` serves the CLI, the Train page (in a background thread) and the benchmark, so the
speed the benchmark reports is the speed a lecture sees. Control (pause, resume, stop) is thread-safe:
the page's thread calls ``pause()`` while the training thread checks between updates.

Divergence is caught, not displayed as a NaN curve: a non-finite loss or gradient, or a loss far above the
best seen, stops the run, restores the last good weights and says what probably went wrong.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

from seqviz.checkpoints.history import StepReport
from seqviz.data.vocab import PAD_ID, Vocab
from seqviz.errors import InputError
from seqviz.models.copy_vocab import ExtendedVocab
from seqviz.models.recurrent import map_state
from seqviz.models.transformer import TransformerTrace
from seqviz.training.batching import Batch, CopyPair, EncodedPair, bucketed_batches, encode_pairs
from seqviz.training.config import TrainConfig
from seqviz.training.evaluation import EvalResult, evaluate_seq2seq
from seqviz.training.lm_evaluation import LanguageModelEval, evaluate_language_model
from seqviz.training.states import STOP_PHRASES, StopCause, StopReason


@dataclass
class TrainResult:
    steps: int
    elapsed: float
    stop_reason: StopReason
    message: str  # the CLI's English sentence about it
    history: list[StepReport] = field(default_factory=list)
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    final_eval: EvalResult | None = None
    tokens_per_s: float = 0.0
    stop_cause: StopCause | None = None  # who asked, when stop_reason is STOPPED


class TrainCallback:
    """Override what you need; the trainer calls these from its own thread."""

    def on_step(self, trainer: Seq2SeqTrainer, report: StepReport) -> None: ...

    def on_eval(self, trainer: Seq2SeqTrainer, step: int, result: EvalResult) -> None: ...

    def on_probe(self, trainer: Seq2SeqTrainer, snapshot: ProbeSnapshot) -> None: ...

    def on_end(self, trainer: Seq2SeqTrainer, result: TrainResult) -> None: ...


@dataclass
class ProbeSnapshot:
    """What the model does with one fixed input at one moment of training: its greedy output, the attention
    it used for each output token, and the encoder's gates (top layer, forward direction) over the input.
    For a Transformer: its last decoder layer's cross-attention averaged over heads (the ``attention`` of
    its trace), no gates, and the encoder's output vectors in ``encoder_hidden``.

    A series of these is the "watch it learn" view: the alignment appearing, the gates settling. Arrays are
    plain nested lists of floats so the UI needs no torch, and each snapshot stays a few kilobytes.
    """

    step: int
    elapsed: float
    source_ids: list[int]
    output_ids: list[int]
    attention: list[list[float]] | None  # [output step][source position]
    encoder_gates: dict[str, list[list[float]]]  # gate name -> [source position][unit]
    encoder_hidden: list[list[float]]  # h_t, [source position][unit]


class TrainingDiverged(Exception):
    pass


class Trainer:
    """The loop every model shares: schedule, control, reports, evaluation, divergence handling.

    Subclasses say what a batch is (``_batches``), how one batch's loss is computed and back-propagated
    (``_forward_backward``), and how the model is evaluated (``_evaluate_model``).
    """

    def __init__(
        self,
        model: torch.nn.Module,
        config: TrainConfig,
        device: torch.device | str = "cpu",
        callbacks: Sequence[TrainCallback] = (),
    ) -> None:
        self.model = model.to(device)
        self.config = config.validate()
        self.device = torch.device(device)
        self.callbacks = list(callbacks)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.learning_rate)
        self.step = 0
        self.elapsed = 0.0
        self.history: list[StepReport] = []
        self.evaluations: list[dict[str, Any]] = []
        self._running = threading.Event()
        self._running.set()
        self._stop = threading.Event()
        self._rng = random.Random(config.seed)
        self._generator = torch.Generator(device="cpu").manual_seed(config.seed)
        self._good_state: dict[str, torch.Tensor] | None = None
        self._good_step = 0
        self._stop_cause = StopCause.USER
        self.snapshots: list[ProbeSnapshot] = []

    # -- control, callable from any thread ------------------------------------------------------------
    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self, cause: StopCause = StopCause.USER) -> None:
        """End the run after the current update; the result says who asked (``stop_cause``)."""
        self._stop_cause = cause
        self._stop.set()
        self._running.set()  # wake a paused run so it can end

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    # -- the loop ------------------------------------------------------------------------------------
    def teacher_forcing_at(self, step: int) -> float:
        """The teacher-forcing ratio: fixed, or a linear decay over the budget (``step`` of ``steps``, or
        the time used of ``max_seconds``, whichever is further along): scheduled sampling."""
        cfg = self.config
        if cfg.teacher_forcing_final is None:
            return cfg.teacher_forcing
        fraction = self.progress(step)
        return cfg.teacher_forcing + (cfg.teacher_forcing_final - cfg.teacher_forcing) * fraction

    def learning_rate_at(self, step: int) -> float:
        """Linear warm-up, then a cosine decay to a tenth over the run (by steps or by time, whichever
        budget is set): a high rate learns fast, a low one at the end stops the loss from jumping."""
        warmup = max(self.config.warmup_steps, 0)
        scale = min(1.0, (step + 1) / warmup) if warmup else 1.0
        decay = 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * self.progress()))
        return self.config.learning_rate * scale * decay

    def progress(self, step: int | None = None) -> float:
        """How far through its budget the run is, 0..1 (at ``step``, default the current one)."""
        cfg = self.config
        parts = []
        if cfg.steps:
            parts.append((self.step if step is None else step) / cfg.steps)
        if cfg.max_seconds:
            parts.append(self.elapsed / cfg.max_seconds)
        return min(max(parts), 1.0) if parts else 0.0

    def run(self) -> TrainResult:
        torch.manual_seed(self.config.seed)
        cfg = self.config
        batches = self._batches()
        self.model.train()
        self._remember_good_weights()
        if cfg.probe_every:
            self._take_snapshot()  # step 0: what the untrained model does
        window_loss = window_tokens = window_norm = 0.0
        window_steps = 0
        window_start = time.perf_counter()
        stop_reason, message = StopReason.STEPS, ""
        stop_cause: StopCause | None = None
        best_loss = math.inf
        far_above = 0  # log windows in a row whose loss was far above the best (see SPIKE_WINDOWS)
        last_time = time.perf_counter()
        try:
            while True:
                if self._stop.is_set():
                    stop_reason, stop_cause = StopReason.STOPPED, self._stop_cause
                    message = f"stopped {STOP_PHRASES[stop_cause]} at step {self.step}"
                    break
                if not self._running.is_set():
                    self._running.wait()
                    last_time = window_start = time.perf_counter()
                    continue
                if cfg.steps is not None and self.step >= cfg.steps:
                    stop_reason, message = StopReason.STEPS, f"finished {self.step} steps"
                    break
                if cfg.max_seconds is not None and self.elapsed >= cfg.max_seconds:
                    stop_reason, message = StopReason.TIME, f"time budget of {cfg.max_seconds:g} s used"
                    break
                batch = next(batches)
                loss_sum, tokens, grad_norm = self._update(batch)
                self.step += 1
                now = time.perf_counter()
                self.elapsed += now - last_time
                last_time = now
                window_loss += loss_sum
                window_tokens += tokens
                window_norm += grad_norm
                window_steps += 1
                if self.step % cfg.log_every == 0 or self.step == cfg.steps:
                    mean_loss = window_loss / max(window_tokens, 1)
                    if self._diverging(mean_loss, best_loss):
                        far_above += 1
                        if far_above > self.SPIKE_WINDOWS or not math.isfinite(mean_loss):
                            raise TrainingDiverged(mean_loss)
                    else:
                        far_above = 0
                    best_loss = min(best_loss, mean_loss)
                    report = StepReport(
                        step=self.step,
                        loss=mean_loss,
                        perplexity=math.exp(min(mean_loss, 700)),
                        grad_norm=window_norm / window_steps,
                        tokens_per_s=window_tokens / max(now - window_start, 1e-9),
                        elapsed=self.elapsed,
                        eta=self._eta(),
                        learning_rate=self.learning_rate_at(self.step),
                        teacher_forcing=self.teacher_forcing_at(self.step),
                        progress=self.progress(),
                    )
                    self.history.append(report)
                    if not far_above:  # weights in the middle of a spike are not a point to go back to
                        self._remember_good_weights()
                    for callback in self.callbacks:
                        callback.on_step(self, report)
                    window_loss = window_tokens = window_norm = 0.0
                    window_steps = 0
                    window_start = time.perf_counter()
                if cfg.probe_every and self.step % cfg.probe_every == 0:
                    self._take_snapshot()
                    last_time = window_start = time.perf_counter()  # nor is looking at the probe
                if cfg.eval_every and self.step % cfg.eval_every == 0 and self.has_validation:
                    result = self.evaluate()
                    last_time = window_start = time.perf_counter()  # evaluation is not training time
                    reached = self._target_reached(result)
                    if reached:
                        stop_reason, message = StopReason.TARGET, reached
                        break
        except TrainingDiverged as diverged:
            stop_reason = StopReason.DIVERGED
            message = self._divergence_message(float(diverged.args[0]))
            self._restore_good_weights()
        final_eval = self.evaluate() if self.has_validation else None
        result = TrainResult(
            steps=self.step,
            elapsed=self.elapsed,
            stop_reason=stop_reason,
            message=message,
            stop_cause=stop_cause,
            history=self.history,
            evaluations=self.evaluations,
            final_eval=final_eval,
            tokens_per_s=_mean_tokens_per_s(self.history),
        )
        for callback in self.callbacks:
            callback.on_end(self, result)
        return result

    def _update(self, batch: Any) -> tuple[float, int, float]:
        """One Adam step; returns (summed NLL, target tokens, gradient norm) with one host sync."""
        for group in self.optimizer.param_groups:
            group["lr"] = self.learning_rate_at(self.step)
        self.optimizer.zero_grad(set_to_none=True)
        loss_sum, tokens = self._forward_backward(batch)
        grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.clip_norm)
        values = torch.stack([loss_sum.detach(), grad_norm.detach()]).tolist()  # one sync for both
        if not all(math.isfinite(v) for v in values):
            raise TrainingDiverged(values[0])
        self.optimizer.step()
        return values[0], tokens, values[1]

    def evaluate(self) -> Any:
        result = self._evaluate_model()
        self.evaluations.append({"step": self.step, "elapsed": self.elapsed, **result.as_dict()})
        for callback in self.callbacks:
            callback.on_eval(self, self.step, result)
        return result

    def _take_snapshot(self) -> None:
        snapshot = self._probe()
        if snapshot is None:
            return
        self.snapshots.append(snapshot)
        for callback in self.callbacks:
            callback.on_probe(self, snapshot)

    # -- what subclasses define -------------------------------------------------------------------------
    has_validation: bool = False

    def _probe(self) -> ProbeSnapshot | None:
        """A snapshot of the model on its probe input, or None when it has none."""
        return None

    def _batches(self) -> Iterator[Any]:
        raise NotImplementedError

    def _forward_backward(self, batch: Any) -> tuple[torch.Tensor, int]:
        """Compute the loss of ``batch``, call ``backward``; return (summed NLL, target tokens)."""
        raise NotImplementedError

    def _evaluate_model(self) -> Any:
        raise NotImplementedError

    def _target_reached(self, result: Any) -> str | None:
        """A message when the early-stop target is met, else None."""
        return None

    def _eta(self) -> float | None:
        cfg = self.config
        estimates = []
        if cfg.steps and self.step:
            estimates.append((cfg.steps - self.step) * self.elapsed / self.step)
        if cfg.max_seconds:
            estimates.append(max(cfg.max_seconds - self.elapsed, 0.0))
        return min(estimates) if estimates else None

    def _remember_good_weights(self) -> None:
        self._good_state = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        self._good_step = self.step

    def _restore_good_weights(self) -> None:
        if self._good_state is not None:
            self.model.load_state_dict(self._good_state)
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.config.learning_rate)

    # A model guessing uniformly among V outputs scores ln V per token; a loss several times that is not
    # learning slowly, it is confidently wrong everywhere: the weights have blown up.
    CHANCE_LOSS_FACTOR = 3.0
    # One log window far above the best is a spike, which Adam often climbs out of: a Transformer at lr 2e-3
    # went from 0.04 to 1.1 and back to 0.1 within 20 updates (the RNN vs Transformer race). Divergence is a
    # loss that stays up: more than this many windows in a row (a non-finite loss ends the run at once).
    SPIKE_WINDOWS = 1

    def _diverging(self, loss: float, best_loss: float) -> bool:
        if not math.isfinite(loss) or loss > self.config.divergence_factor * max(best_loss, 0.05):
            return True
        return self.chance_loss is not None and loss > self.CHANCE_LOSS_FACTOR * self.chance_loss

    @property
    def chance_loss(self) -> float | None:
        """ln(number of possible outputs): the loss of uniform guessing (None when unknown)."""
        return None

    def _divergence_message(self, loss: float) -> str:
        what = "became NaN or infinite" if not math.isfinite(loss) else f"exploded to {loss:.3g}"
        if math.isfinite(loss) and self.chance_loss is not None and loss > self.chance_loss:
            what += f", worse than guessing uniformly ({self.chance_loss:.3g})"
        lower = self.config.learning_rate / 10
        return (
            f"training diverged at step {self.step}: the loss {what}. The learning rate "
            f"{self.config.learning_rate:g} is probably too high; try {lower:g}. The weights from step "
            f"{self._good_step} were kept."
        )


class Seq2SeqTrainer(Trainer):
    """Teacher-forced (or scheduled-sampling) training of a ``Seq2Seq`` on length-bucketed batches."""

    def __init__(
        self,
        model: torch.nn.Module,
        train_pairs: Iterator[EncodedPair],
        validation_pairs: Sequence[EncodedPair],
        target_vocab: Vocab,
        config: TrainConfig,
        device: torch.device | str = "cpu",
        callbacks: Sequence[TrainCallback] = (),
        probe_source: Sequence[int] | None = None,
        probe_vocab: ExtendedVocab | None = None,
    ) -> None:
        """``probe_source``: encoder input ids (``<eos>`` included) to snapshot every ``probe_every``
        steps; by default the first validation source. ``probe_vocab``: a copy model's extended
        vocabulary of that input (by default the first validation pair's)."""
        super().__init__(model, config, device, callbacks)
        self.train_pairs = train_pairs
        self.validation_pairs = list(validation_pairs)
        self.target_vocab = target_vocab
        self.has_validation = bool(self.validation_pairs)
        if probe_source is None and self.validation_pairs:
            first = self.validation_pairs[0]
            probe_source = first[0]
            if isinstance(first, CopyPair):
                probe_vocab = first.output_vocab(target_vocab)
        self.probe_source = list(probe_source) if probe_source else None
        # A copy model's probe: its extended vocabulary, so a copied word is traced and labelled as itself
        self.probe_vocab = probe_vocab if self.probe_source else None

    def _batches(self) -> Iterator[Batch]:
        return bucketed_batches(
            self.train_pairs, self.config.batch_size, self._rng, self.config.bucket_pool, device=self.device
        )

    def _forward_backward(self, batch: Batch) -> tuple[torch.Tensor, int]:
        output = self.model(
            batch.source,
            batch.source_lengths,
            batch.decoder_inputs,
            teacher_forcing_ratio=self.teacher_forcing_at(self.step),
            generator=self._generator,
            source_extended=batch.source_extended,
        )
        vocab = output.log_probs.size(-1)
        loss_sum = F.nll_loss(
            output.log_probs.reshape(-1, vocab),
            batch.targets.reshape(-1),
            ignore_index=PAD_ID,
            reduction="sum",
        )
        loss = loss_sum / batch.target_tokens
        if output.coverage_loss is not None:
            mask = batch.targets.ne(PAD_ID)
            loss = loss + self.config.coverage_weight * output.coverage_loss[mask].sum() / batch.target_tokens
        loss.backward()
        return loss_sum, batch.target_tokens

    @property
    def chance_loss(self) -> float | None:
        return math.log(max(len(self.target_vocab) - 2, 2))  # <pad> and <sos> are never predicted

    def _probe(self) -> ProbeSnapshot | None:
        if not self.probe_source:
            return None
        extended = None if self.probe_vocab is None else self.probe_vocab.source_ids
        trace = self.model.trace(
            self.probe_source, max_len=2 * len(self.probe_source) + 10, source_extended=extended
        )
        if isinstance(trace, TransformerTrace):  # no gates: its encoder's output vectors instead
            return ProbeSnapshot(
                step=self.step,
                elapsed=self.elapsed,
                source_ids=list(self.probe_source),
                output_ids=list(trace.output_ids),
                attention=trace.attention.float().cpu().tolist(),
                encoder_gates={},
                encoder_hidden=trace.encoder_outputs.float().cpu().tolist(),
            )
        layer = trace.encoder.layer(trace.encoder.num_layers - 1, 0)
        return ProbeSnapshot(
            step=self.step,
            elapsed=self.elapsed,
            source_ids=list(self.probe_source),
            output_ids=list(trace.output_ids),
            attention=None if trace.attention is None else trace.attention.float().cpu().tolist(),
            encoder_gates={name: gate[0].float().cpu().tolist() for name, gate in layer.gates.items()},
            encoder_hidden=layer.hidden[0].float().cpu().tolist(),
        )

    def _evaluate_model(self) -> EvalResult:
        return evaluate_seq2seq(
            self.model, self.validation_pairs[: self.config.eval_size], self.target_vocab, self.device
        )

    def _target_reached(self, result: EvalResult) -> str | None:
        target = self.config.target_exact_match
        if target is None or result.exact_match < target:
            return None
        return f"reached exact match {result.exact_match:.3f} >= {target} at step {self.step}"


@dataclass
class LanguageModelTrainConfig(TrainConfig):
    sequence_length: int = 128  # characters per training window
    bptt: int | None = 32  # truncated BPTT chunk length k; None = full BPTT over the whole window

    def validate(self) -> LanguageModelTrainConfig:
        super().validate()
        if not 2 <= self.sequence_length <= 10_000:
            raise InputError(f"sequence length must be from 2 to 10,000, not {self.sequence_length}")
        if self.bptt is not None and not 1 <= self.bptt <= self.sequence_length:
            raise InputError(f"the BPTT chunk must be from 1 to the sequence length, not {self.bptt}")
        return self


class LanguageModelTrainer(Trainer):
    """Next-token training on random windows of one long token stream.

    Every update reads ``batch_size`` windows of ``sequence_length`` tokens. With truncated BPTT the
    window is processed in chunks of ``bptt`` steps and the state is *detached* between chunks, so
    gradients reach back at most ``bptt`` steps; with ``bptt=None`` they reach back over the whole window.
    Data, updates and compute are otherwise identical, which is what makes the two comparable.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        train_ids: Sequence[int],
        validation_ids: Sequence[int],
        config: LanguageModelTrainConfig,
        device: torch.device | str = "cpu",
        callbacks: Sequence[TrainCallback] = (),
    ) -> None:
        super().__init__(model, config, device, callbacks)
        if len(train_ids) <= config.sequence_length + 1:
            raise InputError(
                f"the training text has {len(train_ids)} tokens; it needs more than the sequence length "
                f"({config.sequence_length})"
            )
        self.train_ids = torch.tensor(list(train_ids), dtype=torch.long)
        self.validation_ids = torch.tensor(list(validation_ids), dtype=torch.long)
        self.has_validation = len(validation_ids) > 1

    @property
    def chance_loss(self) -> float | None:
        config = getattr(self.model, "config", None)
        size = getattr(config, "vocab_size", None)
        return math.log(size) if size and size > 1 else None

    def _batches(self) -> Iterator[torch.Tensor]:
        cfg = self.config
        window = cfg.sequence_length + 1  # inputs and their next-token targets
        generator = torch.Generator().manual_seed(cfg.seed)
        while True:
            starts = torch.randint(
                0, len(self.train_ids) - window + 1, (cfg.batch_size,), generator=generator
            )
            yield torch.stack([self.train_ids[s : s + window] for s in starts.tolist()]).to(self.device)

    def _forward_backward(self, batch: torch.Tensor) -> tuple[torch.Tensor, int]:
        inputs, targets = batch[:, :-1], batch[:, 1:]
        chunk = self.config.bptt or inputs.size(1)
        state = None
        total = torch.zeros((), device=self.device)
        count = targets.numel()
        for start in range(0, inputs.size(1), chunk):
            logits, state, _ = self.model(inputs[:, start : start + chunk], state)
            piece = targets[:, start : start + chunk]
            loss_sum = F.cross_entropy(
                logits.reshape(-1, logits.size(-1)), piece.reshape(-1), reduction="sum"
            )
            (loss_sum / count).backward()
            total = total + loss_sum.detach()
            state = map_state(state, torch.Tensor.detach)  # truncate: no gradient flows past this chunk
        return total, count

    def _evaluate_model(self) -> LanguageModelEval:
        # the very function ``python -m seqviz eval`` runs on a saved checkpoint: one definition
        return evaluate_language_model(self.model, self.validation_ids, self.device)


def _mean_tokens_per_s(history: list[StepReport]) -> float:
    rates = [h.tokens_per_s or 0.0 for h in history[1:]] or [h.tokens_per_s or 0.0 for h in history]
    return sum(rates) / len(rates) if rates else 0.0


@dataclass
class TaskData:
    """A task's vocabularies and encoded data, ready for a trainer."""

    source_vocab: Vocab
    target_vocab: Vocab
    train_pairs: Iterator[EncodedPair]
    validation_pairs: list[EncodedPair]
    validation_examples: list


def prepare_task_data(
    task,
    seed: int = 0,
    eval_size: int = 500,
    vocabs: tuple[Vocab, Vocab] | None = None,
    copy: bool = False,
) -> TaskData:
    """Vocabularies (built by the task, or a checkpoint's when continuing), the infinite training stream
    of encoded pairs, and the encoded validation set. ``copy``: ``CopyPair``s, for a copy model."""
    source_vocab, target_vocab = vocabs or task.build_vocabs()
    source_tok, target_tok = task.source_tokenizer, task.target_tokenizer
    validation = task.validation(seed=seed, size=eval_size)

    def stream() -> Iterator[EncodedPair]:
        for example in task.train_stream(seed=seed):
            yield encode_pairs([example], source_tok, target_tok, source_vocab, target_vocab, copy)[0]

    return TaskData(
        source_vocab,
        target_vocab,
        stream(),
        encode_pairs(validation, source_tok, target_tok, source_vocab, target_vocab, copy),
        validation,
    )
