"""Two reference trainers in plain torch, so seqviz's training speed is measured against code people know.

Both train an encoder-decoder with Bahdanau (additive) attention on exactly the data seqviz trains on (the
same task generator, vocabularies and encoded pairs, ``<eos>`` appended to source and target), with
embedding 64 and hidden 128. Neither imports anything from seqviz: if seqviz's models or batching change,
the yardsticks stay where they were.

- ``TutorialTrainer``: the classic PyTorch tutorial *NLP From Scratch: Translation with a Sequence to
  Sequence Network and Attention*. One sentence pair per update; the GRU encoder is fed one token at a time
  (the classic tutorial's ``for ei in range(input_length)`` loop); the decoder loops over target steps with
  the current tutorial's ``BahdanauAttention`` (``Va(tanh(Wa(query) + Ua(keys)))``, keys re-projected at every
  step), dropout 0.1 on the embeddings, ``NLLLoss`` on log-softmax outputs, full teacher forcing, and one
  Adam optimizer per module at lr 0.001, as the current tutorial has it.
- ``D2LTrainer``: *Dive into Deep Learning*'s ``Seq2SeqAttentionDecoder`` (section "Bahdanau Attention").
  Random padded batches of 64; the time-major ``nn.GRU`` encoder runs once over the padded batch; the
  decoder loops over steps, ``AdditiveAttention`` projects the keys at every step and masks padding with
  ``-1e6`` before the softmax (d2l's ``masked_softmax``); the readout sees the GRU output only; masked
  cross-entropy; Adam at lr 0.005 with gradient norm clipped to 1, as d2l's trainer does.

Each trainer offers ``step()`` (one update: returns the loss and the target tokens it trained on) and
``greedy(source, steps)`` (batched greedy decoding of sources of one length, for exact match).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
import torch.nn.functional as F
from torch import nn

EncodedPair = tuple[list[int], list[int]]  # (source ids + <eos>, target ids + <eos>)
PAD_ID, SOS_ID = 0, 1  # seqviz's fixed special ids, which the shared data uses

EMBEDDING_SIZE = 64
HIDDEN_SIZE = 128


# ----------------------------------------------------------------------------------------- the tutorial


class BahdanauAttention(nn.Module):
    """The tutorial's attention: no mask, because it only ever sees one unpadded sentence at a time."""

    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self.Wa = nn.Linear(hidden_size, hidden_size)
        self.Ua = nn.Linear(hidden_size, hidden_size)
        self.Va = nn.Linear(hidden_size, 1)

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``query`` ``[B, 1, H]``, ``keys`` ``[B, S, H]`` -> context ``[B, 1, H]``, weights ``[B, 1, S]``."""
        scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))
        weights = F.softmax(scores.squeeze(2).unsqueeze(1), dim=-1)
        return torch.bmm(weights, keys), weights


class TutorialEncoder(nn.Module):
    def __init__(self, vocab_size: int, embedding_size: int, hidden_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.gru = nn.GRU(embedding_size, hidden_size, batch_first=True)
        self.dropout = nn.Dropout(dropout)

    def forward(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``source`` ``[B, S]`` -> outputs ``[B, S, H]``, final hidden ``[1, B, H]``; one token per call,
        as the classic tutorial's training loop feeds it."""
        hidden = None
        outputs = []
        for i in range(source.size(1)):
            embedded = self.dropout(self.embedding(source[:, i : i + 1]))
            output, hidden = self.gru(embedded, hidden)
            outputs.append(output)
        return torch.cat(outputs, 1), hidden


class TutorialDecoder(nn.Module):
    def __init__(self, vocab_size: int, embedding_size: int, hidden_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.attention = BahdanauAttention(hidden_size)
        self.gru = nn.GRU(embedding_size + hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)
        self.dropout = nn.Dropout(dropout)

    def forward_step(
        self, token: torch.Tensor, hidden: torch.Tensor, encoder_outputs: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One step: ``token`` ``[B, 1]`` -> log-probabilities ``[B, V]``, new hidden ``[1, B, H]``."""
        embedded = self.dropout(self.embedding(token))
        query = hidden.permute(1, 0, 2)
        context, _ = self.attention(query, encoder_outputs)
        output, hidden = self.gru(torch.cat((embedded, context), dim=2), hidden)
        return F.log_softmax(self.out(output[:, 0]), dim=-1), hidden


class TutorialTrainer:
    """One sentence pair per update, everything looped in Python, as a first tutorial teaches it."""

    name = "tutorial"

    def __init__(
        self,
        source_vocab_size: int,
        target_vocab_size: int,
        pairs: Iterator[EncodedPair],
        device: torch.device | str = "cpu",
        learning_rate: float = 1e-3,
        seed: int = 0,
    ) -> None:
        torch.manual_seed(seed)
        self.device = torch.device(device)
        self.pairs = pairs
        self.encoder = TutorialEncoder(source_vocab_size, EMBEDDING_SIZE, HIDDEN_SIZE).to(self.device)
        self.decoder = TutorialDecoder(target_vocab_size, EMBEDDING_SIZE, HIDDEN_SIZE).to(self.device)
        self.encoder_optimizer = torch.optim.Adam(self.encoder.parameters(), lr=learning_rate)
        self.decoder_optimizer = torch.optim.Adam(self.decoder.parameters(), lr=learning_rate)
        self.criterion = nn.NLLLoss()

    def train_pair(self, source_ids: Sequence[int], target_ids: Sequence[int]) -> float:
        """One update on one pair; returns the mean NLL per target token (the tutorial's printed loss)."""
        self.encoder.train()
        self.decoder.train()
        source = torch.tensor([list(source_ids)], dtype=torch.long, device=self.device)
        target = torch.tensor(list(target_ids), dtype=torch.long, device=self.device)
        self.encoder_optimizer.zero_grad()
        self.decoder_optimizer.zero_grad()
        encoder_outputs, hidden = self.encoder(source)
        decoder_input = torch.tensor([[SOS_ID]], device=self.device)
        loss = torch.zeros((), device=self.device)
        for t in range(target.size(0)):
            log_probs, hidden = self.decoder.forward_step(decoder_input, hidden, encoder_outputs)
            loss = loss + self.criterion(log_probs, target[t : t + 1])
            decoder_input = target[t].view(1, 1)  # teacher forcing
        loss = loss / target.size(0)
        loss.backward()
        self.encoder_optimizer.step()
        self.decoder_optimizer.step()
        return loss.item()

    def step(self) -> tuple[float, int]:
        source_ids, target_ids = next(self.pairs)
        return self.train_pair(source_ids, target_ids), len(target_ids)

    @torch.no_grad()
    def greedy(self, source: torch.Tensor, steps: int) -> torch.Tensor:
        """Greedy ids ``[B, steps]`` for unpadded sources of one length (rows are independent)."""
        self.encoder.eval()
        self.decoder.eval()
        encoder_outputs, hidden = self.encoder(source.to(self.device))
        token = torch.full((source.size(0), 1), SOS_ID, dtype=torch.long, device=self.device)
        outputs = []
        for _ in range(steps):
            log_probs, hidden = self.decoder.forward_step(token, hidden, encoder_outputs)
            token = log_probs.argmax(-1, keepdim=True)
            outputs.append(token)
        return torch.cat(outputs, 1)


# ---------------------------------------------------------------------------------------------- d2l


def masked_softmax(scores: torch.Tensor, valid_lens: torch.Tensor) -> torch.Tensor:
    """d2l's ``masked_softmax``: positions past each row's valid length get ``-1e6`` before the softmax."""
    positions = torch.arange(scores.size(-1), device=scores.device)
    mask = positions[None, None, :] < valid_lens[:, None, None]
    return F.softmax(scores.masked_fill(~mask, -1e6), dim=-1)


class AdditiveAttention(nn.Module):
    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self.W_k = nn.Linear(hidden_size, hidden_size, bias=False)
        self.W_q = nn.Linear(hidden_size, hidden_size, bias=False)
        self.w_v = nn.Linear(hidden_size, 1, bias=False)

    def forward(
        self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, valid_lens: torch.Tensor
    ) -> torch.Tensor:
        """``queries`` ``[B, Q, H]``, ``keys``/``values`` ``[B, K, H]`` -> ``[B, Q, H]``. The keys are
        projected on every call, i.e. at every decoder step, as d2l does."""
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = torch.tanh(queries.unsqueeze(2) + keys.unsqueeze(1))
        scores = self.w_v(features).squeeze(-1)
        return torch.bmm(masked_softmax(scores, valid_lens), values)


class D2LEncoder(nn.Module):
    def __init__(self, vocab_size: int, embedding_size: int, hidden_size: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.rnn = nn.GRU(embedding_size, hidden_size)

    def forward(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``source`` ``[B, S]`` padded -> outputs ``[S, B, H]``, state ``[1, B, H]``: one call, no packing
        (the state runs on over the padding, as in d2l)."""
        return self.rnn(self.embedding(source.t()))


class D2LDecoder(nn.Module):
    def __init__(self, vocab_size: int, embedding_size: int, hidden_size: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.attention = AdditiveAttention(hidden_size)
        self.rnn = nn.GRU(embedding_size + hidden_size, hidden_size)
        self.dense = nn.Linear(hidden_size, vocab_size)

    def forward(
        self,
        inputs: torch.Tensor,
        enc_outputs: torch.Tensor,
        hidden: torch.Tensor,
        valid_lens: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``inputs`` ``[B, T]``, ``enc_outputs`` ``[B, S, H]`` -> logits ``[B, T, V]``, final state."""
        outputs = []
        for x in self.embedding(inputs).permute(1, 0, 2):
            query = hidden[-1].unsqueeze(1)
            context = self.attention(query, enc_outputs, enc_outputs, valid_lens)
            x = torch.cat((context, x.unsqueeze(1)), dim=-1)
            out, hidden = self.rnn(x.permute(1, 0, 2), hidden)
            outputs.append(out)
        return self.dense(torch.cat(outputs, dim=0)).permute(1, 0, 2), hidden


def pad_batch(
    pairs: Sequence[EncodedPair], source_steps: int, target_steps: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(source ``[B, S]``, valid lengths ``[B]``, decoder inputs ``<sos> y[:-1]``, targets), ``<pad>``-filled
    to d2l's fixed ``num_steps`` (here one width per side: the task's longest source and target)."""
    width_s = max(source_steps, *(len(s) for s, _ in pairs))
    width_t = max(target_steps, *(len(t) for _, t in pairs))
    source = [s + [PAD_ID] * (width_s - len(s)) for s, _ in pairs]
    targets = [t + [PAD_ID] * (width_t - len(t)) for _, t in pairs]
    inputs = [[SOS_ID, *t[:-1]] + [PAD_ID] * (width_t - len(t)) for _, t in pairs]
    lengths = [len(s) for s, _ in pairs]

    def tensor(rows):
        return torch.tensor(rows, dtype=torch.long, device=device)

    return tensor(source), tensor(lengths), tensor(inputs), tensor(targets)


class D2LTrainer:
    """Padded batches, a one-call encoder and a step-looped attention decoder, as d2l teaches it.

    Like d2l's data module, every source is padded to a fixed width (``source_steps``) in training *and*
    prediction: the unpacked encoder runs on over the padding, so the decoder always starts from a state
    that has read the same amount of padding for a sentence of a given length.
    """

    name = "d2l"

    def __init__(
        self,
        source_vocab_size: int,
        target_vocab_size: int,
        pairs: Iterator[EncodedPair],
        device: torch.device | str = "cpu",
        source_steps: int = 13,
        target_steps: int = 13,
        batch_size: int = 64,
        learning_rate: float = 5e-3,
        clip_norm: float = 1.0,
        seed: int = 0,
    ) -> None:
        torch.manual_seed(seed)
        self.device = torch.device(device)
        self.pairs = pairs
        self.batch_size = batch_size
        self.source_steps, self.target_steps = source_steps, target_steps
        self.clip_norm = clip_norm
        self.encoder = D2LEncoder(source_vocab_size, EMBEDDING_SIZE, HIDDEN_SIZE).to(self.device)
        self.decoder = D2LDecoder(target_vocab_size, EMBEDDING_SIZE, HIDDEN_SIZE).to(self.device)
        self.parameters = [*self.encoder.parameters(), *self.decoder.parameters()]
        self.optimizer = torch.optim.Adam(self.parameters, lr=learning_rate)

    def train_batch(self, pairs: Sequence[EncodedPair]) -> float:
        """One update on a padded batch; returns the mean cross-entropy per real target token."""
        self.encoder.train()
        self.decoder.train()
        source, valid_lens, inputs, targets = pad_batch(
            pairs, self.source_steps, self.target_steps, self.device
        )
        enc_outputs, hidden = self.encoder(source)
        logits, _ = self.decoder(inputs, enc_outputs.permute(1, 0, 2), hidden, valid_lens)
        losses = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), reduction="none")
        mask = targets.reshape(-1).ne(PAD_ID).float()
        loss = (losses * mask).sum() / mask.sum()
        self.optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(self.parameters, self.clip_norm)
        self.optimizer.step()
        return loss.item()

    def step(self) -> tuple[float, int]:
        pairs = [next(self.pairs) for _ in range(self.batch_size)]
        return self.train_batch(pairs), sum(len(t) for _, t in pairs)

    @torch.no_grad()
    def greedy(self, source: torch.Tensor, steps: int) -> torch.Tensor:
        """Greedy ids ``[B, steps]`` for sources of one length, padded to ``source_steps`` as in training."""
        self.encoder.eval()
        self.decoder.eval()
        valid_lens = torch.full((source.size(0),), source.size(1), device=self.device)
        padding = max(self.source_steps - source.size(1), 0)
        source = F.pad(source.to(self.device), (0, padding), value=PAD_ID)
        enc_outputs, hidden = self.encoder(source)
        enc_outputs = enc_outputs.permute(1, 0, 2)
        token = torch.full((source.size(0), 1), SOS_ID, dtype=torch.long, device=self.device)
        outputs = []
        for _ in range(steps):
            logits, hidden = self.decoder(token, enc_outputs, hidden, valid_lens)
            token = logits[:, -1].argmax(-1, keepdim=True)
            outputs.append(token)
        return torch.cat(outputs, 1)


BaselineTrainer = TutorialTrainer | D2LTrainer
