"""Validation metrics of a language model: held-out perplexity and next-token accuracy.

One function, ``evaluate_language_model``, is what the trainer calls at every evaluation and what
``python -m seqviz eval`` calls on a saved checkpoint, so the number in a checkpoint's metrics, the CLI's and
the README's row are the same computation on the same text:

- held-out text: the last tenth of the seqviz corpus, cut at a sentence start (``split_corpus``), which
  every seqviz language model is trained without (``train_language_model`` makes the same split);
- perplexity: ``exp`` of the mean next-token cross-entropy over that text, read in one pass from its first
  token (``seqviz.metrics.perplexity_from_total``, the definition the pages use too);
- token accuracy: the share of next tokens that are the model's argmax.

A language model has no reference translation, so the seq2seq-only metrics (exact match, BLEU) do not apply;
``as_eval_dict`` reports them as ``None`` beside the others, so one JSON shape serves both kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from seqviz.errors import InputError
from seqviz.metrics import perplexity_from_total


@dataclass
class LanguageModelEval:
    perplexity: float
    token_accuracy: float
    size: int  # how many next-token predictions were scored

    def as_dict(self) -> dict[str, float]:
        """The keys a checkpoint's ``metrics`` store for a language model."""
        return {"perplexity": self.perplexity, "token_accuracy": self.token_accuracy, "size": self.size}

    def as_eval_dict(self) -> dict[str, float | None]:
        """``EvalResult.as_dict``'s keys, with the seq2seq-only metrics ``None``."""
        return {
            "exact_match": None,
            "token_accuracy": self.token_accuracy,
            "bleu": None,
            "perplexity": self.perplexity,
            "size": self.size,
        }


@torch.no_grad()
def evaluate_language_model(
    model: torch.nn.Module, token_ids: Sequence[int] | torch.Tensor, device: torch.device | str = "cpu"
) -> LanguageModelEval:
    """Perplexity and next-token accuracy of ``model`` on one token stream, read from its first token.

    Every token after the first is a target: ``len(token_ids) - 1`` predictions. The model is put in eval
    mode for the pass and handed back in the mode it came in.
    """
    ids = torch.as_tensor(token_ids, dtype=torch.long).reshape(-1).to(device)
    if ids.numel() < 2:
        raise InputError("a language model needs at least two held-out tokens to be evaluated")
    was_training = model.training
    model.eval()
    try:
        logits, _, _ = model(ids[:-1].unsqueeze(0))
        targets = ids[1:].unsqueeze(0)
        nll = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), reduction="sum")
        correct = int(logits.argmax(-1).eq(targets).sum())
        count = targets.numel()
    finally:
        model.train(was_training)
    return LanguageModelEval(perplexity_from_total(float(nll), count), correct / count, count)


def held_out_token_ids(checkpoint) -> list[int]:
    """The held-out part of the checkpoint's corpus (English prose or the generated Chinese sentences) in
    its own tokens, as its training held it out."""
    from seqviz.data.lm_corpus import checkpoint_corpus_name, lm_corpus_text, split_corpus
    from seqviz.data.tokenizers import get_tokenizer

    _, held_out = split_corpus(lm_corpus_text(checkpoint_corpus_name(checkpoint.task)))
    tokenizer = get_tokenizer(checkpoint.target_tokenizer)
    return checkpoint.target_vocab.encode(tokenizer.tokenize(held_out))


def evaluate_language_model_checkpoint(checkpoint, device: torch.device | str = "cpu") -> LanguageModelEval:
    """``evaluate_language_model`` of a saved language model on its held-out text."""
    checkpoint.model.to(device)
    return evaluate_language_model(checkpoint.model, held_out_token_ids(checkpoint), device)
