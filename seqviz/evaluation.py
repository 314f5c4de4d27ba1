"""Validation metrics of a seq2seq model: exact match, token accuracy, BLEU and perplexity.

- exact match: greedy output (up to and including ``<eos>``) equals the reference exactly;
- token accuracy: under teacher forcing, the share of reference tokens (``<eos>`` included) that are the
  model's argmax;
- BLEU: sacrebleu corpus BLEU of the greedy outputs against the references, on the model's own tokens;
- perplexity: ``exp`` of the mean teacher-forced NLL per reference token (``<eos>`` included, pads not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from seqviz.batching import EncodedPair, fixed_batches
from seqviz.data.vocab import EOS_ID, PAD_ID, Vocab
from seqviz.metrics import corpus_bleu_tokens, perplexity_from_total


@dataclass
class EvalResult:
    exact_match: float
    token_accuracy: float
    bleu: float
    perplexity: float
    size: int
    mistakes: list[tuple[list[int], list[int], list[int]]] = field(default_factory=list)  # src, ref, hyp
    correct: list[bool] = field(default_factory=list)  # per pair, in order: greedy output == reference

    def as_dict(self) -> dict[str, float]:
        return {
            "exact_match": self.exact_match,
            "token_accuracy": self.token_accuracy,
            "bleu": self.bleu,
            "perplexity": self.perplexity,
            "size": self.size,
        }


@torch.no_grad()
def evaluate_seq2seq(
    model,
    pairs: Sequence[EncodedPair],
    target_vocab: Vocab,
    device: torch.device | str = "cpu",
    batch_size: int = 256,
    keep_mistakes: int = 5,
) -> EvalResult:
    if not pairs:
        raise ValueError("cannot evaluate on an empty validation set")
    was_training = model.training
    model.eval()
    exact = correct_tokens = total_tokens = 0
    total_nll = 0.0
    hypotheses: list[list[str]] = [[] for _ in pairs]
    correct = [False] * len(pairs)
    mistakes = []
    try:
        for indices, batch in fixed_batches(pairs, batch_size, device):
            output = model(batch.source, batch.source_lengths, batch.decoder_inputs)
            mask = batch.targets.ne(PAD_ID)
            target_log_probs = output.log_probs.gather(2, batch.targets.unsqueeze(2)).squeeze(2)
            total_nll -= float(target_log_probs[mask].sum())
            correct_tokens += int((output.log_probs.argmax(-1).eq(batch.targets) & mask).sum())
            total_tokens += int(mask.sum())
            max_len = min(2 * batch.targets.size(1) + 5, 400)
            greedy = model.greedy(batch.source, batch.source_lengths, max_len)
            generated = greedy.tokens.tolist()
            for row, index in enumerate(indices):
                hyp = generated[row][: int(greedy.lengths[row])]
                reference = pairs[index][1]
                if hyp == reference:
                    exact += 1
                    correct[index] = True
                elif len(mistakes) < keep_mistakes:
                    mistakes.append((pairs[index][0], reference, hyp))
                hypotheses[index] = target_vocab.decode([i for i in hyp if i != EOS_ID])
    finally:
        model.train(was_training)
    references = [target_vocab.decode(ref) for _, ref in pairs]
    return EvalResult(
        exact_match=exact / len(pairs),
        token_accuracy=correct_tokens / max(total_tokens, 1),
        bleu=corpus_bleu_tokens(hypotheses, references),
        perplexity=perplexity_from_total(total_nll, total_tokens),
        size=len(pairs),
        mistakes=mistakes,
        correct=correct,
    )
