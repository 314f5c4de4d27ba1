"""Validation metrics of a seq2seq model: exact match, token accuracy, BLEU and perplexity.

- exact match: greedy output (up to and including ``<eos>``) equals the reference exactly; a reference
  holding ``<unk>`` is never matched (the word is lost, whatever the model writes). A copy model's ids are
  read through each input's extended vocabulary, so copied words are compared as words;
- token accuracy: under teacher forcing, the share of reference tokens (``<eos>`` included) that are the
  model's argmax (a reference ``<unk>`` never counts as matched);
- BLEU: sacrebleu corpus BLEU of the greedy outputs against the references, on the model's own tokens;
- perplexity: ``exp`` of the mean teacher-forced NLL per reference token (``<eos>`` included, pads not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from seqviz.data.vocab import EOS_ID, PAD_ID, UNK, UNK_ID, Vocab
from seqviz.metrics import corpus_bleu_tokens, perplexity_from_total
from seqviz.training.batching import CopyPair, EncodedPair, fixed_batches


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


_NEVER_MATCHED = "<unk>\u2063ref"  # a token no output can be: a reference <unk> that BLEU never matches


def _vocab(pair: EncodedPair, target_vocab: Vocab):
    return pair.output_vocab(target_vocab) if isinstance(pair, CopyPair) else target_vocab


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
            extended = batch.source_extended
            output = model(batch.source, batch.source_lengths, batch.decoder_inputs, source_extended=extended)
            mask = batch.targets.ne(PAD_ID)
            target_log_probs = output.log_probs.gather(2, batch.targets.unsqueeze(2)).squeeze(2)
            total_nll -= float(target_log_probs[mask].sum())
            known = mask & batch.targets.ne(UNK_ID)  # a reference <unk> is never a correct token either
            correct_tokens += int((output.log_probs.argmax(-1).eq(batch.targets) & known).sum())
            total_tokens += int(mask.sum())
            max_len = min(2 * batch.targets.size(1) + 5, 400)
            greedy = model.greedy(batch.source, batch.source_lengths, max_len, extended)
            generated = greedy.tokens.tolist()
            for row, index in enumerate(indices):
                hyp = generated[row][: int(greedy.lengths[row])]
                reference = pairs[index][1]
                if hyp == reference and UNK_ID not in reference:
                    exact += 1
                    correct[index] = True
                elif len(mistakes) < keep_mistakes:
                    mistakes.append((pairs[index][0], reference, hyp))
                hypotheses[index] = _vocab(pairs[index], target_vocab).decode([i for i in hyp if i != EOS_ID])
    finally:
        model.train(was_training)
    references = [  # a reference <unk> is a lost word: it must not match a written <unk>
        [_NEVER_MATCHED if token == UNK else token for token in _vocab(pair, target_vocab).decode(pair[1])]
        for pair in pairs
    ]
    return EvalResult(
        exact_match=exact / len(pairs),
        token_accuracy=correct_tokens / max(total_tokens, 1),
        bleu=corpus_bleu_tokens(hypotheses, references),
        perplexity=perplexity_from_total(total_nll, total_tokens),
        size=len(pairs),
        mistakes=mistakes,
        correct=correct,
    )
