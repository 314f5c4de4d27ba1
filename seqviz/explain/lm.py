"""The language-model page's numbers: how probable each token of a text is, the perplexity they add up to,
the alternatives at any position, and sampling one token at a time.

Probabilities come from ``trace_language_model`` (one forward pass of the model over the text) and
perplexity from ``seqviz.metrics.perplexity``, the one definition the trainer and the other pages use.
Sampling keeps every step's tempered, top-k distribution, so the page can show what was drawn from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tokenizers import get_tokenizer
from seqviz.data.vocab import EOS_ID, NEVER_OUTPUT_IDS, SOS_ID
from seqviz.errors import InputError
from seqviz.inference import LanguageModelTrace, prepare_input, trace_language_model
from seqviz.metrics import Perplexity, perplexity

MAX_SAMPLE_STEPS = 200
MAX_TOP_K = 50


@dataclass
class TokenProbabilities:
    """Each token of a text with ``P(x_t | x_<t)`` under the model."""

    tokens: list[str]  # the text's tokens as the model read them (unknown ones as <unk>)
    probabilities: list[float]
    perplexity: Perplexity
    unknown: list[str]
    trace: LanguageModelTrace
    vocabulary: list[str]  # the model's tokens by id, for naming alternatives

    def alternatives(self, position: int, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` most probable tokens at ``position`` (0-based), with their probabilities."""
        if not 0 <= position < len(self.tokens):
            raise InputError(f"position must be between 0 and {len(self.tokens) - 1}, got {position}")
        k = max(1, min(int(k), MAX_TOP_K))
        values, ids = self.trace.log_probs[position].topk(k)
        return [(self.vocabulary[int(i)], math.exp(float(v))) for v, i in zip(values, ids, strict=True)]


def token_probabilities(checkpoint: Checkpoint, text: str) -> TokenProbabilities:
    traced = trace_language_model(checkpoint, text)
    log_probs = [float(v) for v in traced.token_log_probs]
    return TokenProbabilities(
        tokens=traced.predicted_tokens,
        probabilities=[math.exp(v) for v in log_probs],
        perplexity=perplexity(-v for v in log_probs),
        unknown=traced.source.unknown,
        trace=traced,
        vocabulary=checkpoint.target_vocab.to_json(),
    )


@dataclass(frozen=True)
class SampleStep:
    """One sampled token and the distribution it was drawn from."""

    step: int  # 1-based
    candidates: list[tuple[str, float]]  # the tempered top-k distribution, most probable first (sums to 1)
    token: str
    probability: float  # its probability in that distribution
    model_probability: float  # its probability under the model itself (temperature 1, no top-k)


@dataclass(frozen=True)
class Sample:
    prompt_tokens: list[str]
    steps: list[SampleStep]
    text: str  # prompt and sample, detokenized
    stopped_at_eos: bool


@torch.no_grad()
def sample(
    checkpoint: Checkpoint,
    prompt: str,
    steps: int = 40,
    *,
    temperature: float = 1.0,
    top_k: int | None = 10,
    seed: int = 0,
    shown: int = 8,
) -> Sample:
    """Continue ``prompt`` (may be empty) by drawing each token from ``softmax(logits / temperature)`` cut
    to the ``top_k`` most probable, with a seeded CPU generator. Temperature 0 takes the argmax."""
    if checkpoint.kind != "language_model":
        raise InputError(f"{checkpoint.name} is not a language model")
    if not 1 <= steps <= MAX_SAMPLE_STEPS:
        raise InputError(f"the number of steps must be between 1 and {MAX_SAMPLE_STEPS}, got {steps}")
    if not (math.isfinite(temperature) and 0 <= temperature <= 10):
        raise InputError(f"the temperature must be between 0 and 10, got {temperature}")
    if top_k is not None and not 1 <= top_k <= MAX_TOP_K:
        raise InputError(f"top-k must be between 1 and {MAX_TOP_K}, got {top_k}")
    vocab = checkpoint.target_vocab
    prompt_ids: list[int] = []
    prompt_tokens: list[str] = []
    if prompt.strip():
        prepared = prepare_input(prompt, checkpoint.target_tokenizer, vocab, checkpoint.lowercase)
        prompt_ids, prompt_tokens = prepared.ids[:-1], prepared.tokens
    model = checkpoint.model
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    try:
        logits, state, _ = model(torch.tensor([[SOS_ID, *prompt_ids]], device=device))
        taken: list[SampleStep] = []
        output: list[int] = []
        for step in range(1, steps + 1):
            raw = logits[0, -1].float().cpu()
            raw[list(NEVER_OUTPUT_IDS)] = -math.inf
            model_probs = torch.softmax(raw, -1)
            if temperature == 0:
                tempered = torch.zeros_like(model_probs)
                tempered[int(raw.argmax())] = 1.0
            else:
                tempered = torch.softmax(raw / temperature, -1)
            if top_k is not None:
                cut = tempered.topk(min(top_k, tempered.numel())).indices
                kept = torch.zeros_like(tempered)
                kept[cut] = tempered[cut]
                tempered = kept / kept.sum()
            token_id = int(torch.multinomial(tempered, 1, generator=generator))
            values, ids = tempered.topk(min(shown, int((tempered > 0).sum())))
            taken.append(
                SampleStep(
                    step=step,
                    candidates=[(vocab.token_of(int(i)), float(v)) for v, i in zip(values, ids, strict=True)],
                    token=vocab.token_of(token_id),
                    probability=float(tempered[token_id]),
                    model_probability=float(model_probs[token_id]),
                )
            )
            if token_id == EOS_ID:
                break
            output.append(token_id)
            logits, state, _ = model(torch.tensor([[token_id]], device=device), state)
    finally:
        model.train(was_training)
    words = [*prompt_tokens, *vocab.decode(output)]
    return Sample(
        prompt_tokens=prompt_tokens,
        steps=taken,
        text=get_tokenizer(checkpoint.target_tokenizer).detokenize(words),
        stopped_at_eos=bool(taken) and taken[-1].token == vocab.token_of(EOS_ID),
    )
