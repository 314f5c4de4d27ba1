"""BLEU that shows its work: every n-gram, its clipping, the precisions and the brevity penalty.

The numbers are sacrebleu's numbers (``sacrebleu.corpus_bleu`` / ``sacrebleu.sentence_bleu``, sacrebleu 2.x):
the text goes through sacrebleu's own tokenizers (never a rewrite of them), the statistics are the same
clipped n-gram counts, and the score follows sacrebleu's ``BLEU.compute_bleu`` step by step, smoothing and
effective order included. What sacrebleu keeps to itself and this module adds: which n-grams matched and how
clipping cut them (``SentenceStatistics.matches``), and the course's variant formula (``course_bleu``).

Statistics and formatting are separate: ``corpus_bleu`` / ``sentence_bleu`` return dataclasses;
``format_bleu`` turns them into a line (``seqviz.export.json_export.bleu_to_json``, into a JSON object). The
per-n-gram explanation is built on demand from the tokens each sentence keeps, with the very counting code
behind the totals, so scoring a large corpus costs about what sacrebleu costs and the explanation is paid for
only when read.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from itertools import repeat
from pathlib import Path

from seqviz.errors import CorpusError, InputError

MAX_NGRAM_ORDER = 4

# sacrebleu's tokenizer classes by their sacrebleu names (sacrebleu.metrics.bleu._TOKENIZERS).
TOKENIZERS: dict[str, str] = {
    "13a": "tokenizer_13a.Tokenizer13a",
    "zh": "tokenizer_zh.TokenizerZh",
    "char": "tokenizer_char.TokenizerChar",
    "intl": "tokenizer_intl.TokenizerV14International",
    "none": "tokenizer_none.NoneTokenizer",
}
DEFAULT_TOKENIZER = "13a"

# sacrebleu's BLEU.SMOOTH_DEFAULTS: the value each method uses when none is given (Chen & Cherry, 2014).
SMOOTH_DEFAULTS: dict[str, float | None] = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}
SMOOTH_METHODS = tuple(SMOOTH_DEFAULTS)
DEFAULT_SMOOTH_METHOD = "exp"

# sacrebleu's utils.my_log floors log(0) here, so a zero precision gives a score of exactly 0.0.
_LOG_OF_ZERO = -9999999999


# ------------------------------------------------------------------------------------------ tokenizing


@cache
def sacrebleu_tokenizer(name: str) -> Callable[[str], str]:
    """sacrebleu's tokenizer ``name``; one instance per name, as sacrebleu caches tokenized lines."""
    if name not in TOKENIZERS:
        raise InputError(f"unknown BLEU tokenizer {name!r}; choose one of {', '.join(TOKENIZERS)}")
    module_name, class_name = TOKENIZERS[name].rsplit(".", 1)
    return getattr(import_module(f"sacrebleu.tokenizers.{module_name}"), class_name)()


def tokenize(sentence: str, tokenizer: str = DEFAULT_TOKENIZER, lowercase: bool = False) -> list[str]:
    """The words BLEU counts in ``sentence``, exactly as sacrebleu's ``BLEU._preprocess_segment`` makes them:
    lowercase (optional), strip trailing whitespace, tokenize, split on whitespace."""
    if lowercase:
        sentence = sentence.lower()
    return sacrebleu_tokenizer(tokenizer)(sentence.rstrip()).split()


# ------------------------------------------------------------------------------------------ statistics


def count_ngrams(tokens: Sequence[str], order: int) -> Counter:
    """How often each n-gram of one order occurs; unigram keys are the tokens, longer n-grams are tuples.

    Counting from ``zip`` iterators keeps the loop in C: this is what makes explained BLEU as fast as
    sacrebleu's own statistics.
    """
    if order == 1:
        return Counter(tokens)
    return Counter(zip(*[tokens[i:] for i in range(order)], strict=False))  # shorter slices end it


def max_counts(counters: Sequence[Counter]) -> Counter:
    """Each n-gram's largest count in any one of ``counters``: the reference ceiling that clipping applies."""
    if len(counters) == 1:
        return counters[0]
    merged = Counter(counters[0])
    for counter in counters[1:]:
        for ngram, count in counter.items():
            if count > merged.get(ngram, 0):
                merged[ngram] = count
    return merged


def clipped_count(candidate: Counter, ceiling: Counter) -> int:
    """The candidate's matches of one order: each n-gram's count cut to its reference ceiling, summed."""
    matched = 0
    for ngram in candidate.keys() & ceiling.keys():
        count, limit = candidate[ngram], ceiling[ngram]
        matched += count if count < limit else limit
    return matched


def closest_reference_length(hyp_len: int, ref_lens: Sequence[int]) -> int:
    """The reference length nearest to the hypothesis length; on a tie the shorter one (sacrebleu's rule)."""
    closest_diff, closest_len = -1, -1
    for ref_len in ref_lens:
        diff = abs(hyp_len - ref_len)
        if closest_diff == -1 or diff < closest_diff:
            closest_diff, closest_len = diff, ref_len
        elif diff == closest_diff and ref_len < closest_len:
            closest_len = ref_len
    return closest_len


@dataclass(frozen=True, slots=True)
class NgramMatch:
    """One distinct candidate n-gram: how often the candidate has it, the most any single reference has it,
    and how many of the candidate's occurrences count as matches (``min`` of the two)."""

    ngram: tuple[str, ...]
    candidate_count: int
    max_ref_count: int
    clipped_count: int

    @property
    def order(self) -> int:
        return len(self.ngram)


@dataclass(frozen=True)
class OrderExplanation:
    """Every distinct candidate n-gram of one order (first occurrence first), stored as columns.

    Columns are built with C-level ``map``/``zip`` from the same Counters as the statistics, which keeps a
    whole corpus's explanation cheap; indexing or iterating gives ``NgramMatch`` rows for display.
    ``count`` and ``total`` are this order's entries of ``counts`` and ``totals``.
    """

    order: int
    ngrams: tuple[tuple[str, ...], ...]
    candidate_counts: tuple[int, ...]
    max_ref_counts: tuple[int, ...]
    clipped_counts: tuple[int, ...]

    @classmethod
    def from_counters(cls, order: int, candidate: Counter, ceiling: Counter) -> OrderExplanation:
        ngrams = tuple(zip(candidate)) if order == 1 else tuple(candidate)
        candidate_counts = tuple(candidate.values())
        max_ref_counts = tuple(map(ceiling.get, candidate, repeat(0)))
        clipped = tuple(map(min, candidate_counts, max_ref_counts))
        return cls(order, ngrams, candidate_counts, max_ref_counts, clipped)

    @property
    def count(self) -> int:
        return sum(self.clipped_counts)

    @property
    def total(self) -> int:
        return sum(self.candidate_counts)

    def __len__(self) -> int:
        return len(self.ngrams)

    def __getitem__(self, index):  # int -> NgramMatch, slice -> list[NgramMatch]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return NgramMatch(
            self.ngrams[index],
            self.candidate_counts[index],
            self.max_ref_counts[index],
            self.clipped_counts[index],
        )

    def __iter__(self) -> Iterator[NgramMatch]:
        return map(NgramMatch, self.ngrams, self.candidate_counts, self.max_ref_counts, self.clipped_counts)


@dataclass(frozen=True)
class SentenceStatistics:
    """BLEU's sufficient statistics for one hypothesis, with the tokens they came from.

    ``counts[n-1]`` are clipped matches of order n, ``totals[n-1]`` the candidate's n-grams of order n,
    ``ref_len`` the closest reference length. ``matches(n)`` rebuilds the per-n-gram explanation from the
    tokens with the same counting code, so it always adds up to ``counts`` and ``totals``; it is not kept,
    so a corpus's statistics stay as small as its tokens.
    """

    hypothesis_tokens: tuple[str, ...]
    reference_tokens: tuple[tuple[str, ...], ...]
    sys_len: int
    ref_len: int
    counts: tuple[int, ...]
    totals: tuple[int, ...]

    @property
    def max_order(self) -> int:
        return len(self.counts)

    def matches(self, order: int) -> OrderExplanation:
        """Every distinct candidate n-gram of ``order``: its count, reference ceiling and clipped count."""
        if not 1 <= order <= self.max_order:
            raise InputError(f"n-gram order {order} is outside 1..{self.max_order}")
        ceiling = max_counts([count_ngrams(r, order) for r in self.reference_tokens])
        return OrderExplanation.from_counters(order, count_ngrams(self.hypothesis_tokens, order), ceiling)

    def explanation(self) -> tuple[OrderExplanation, ...]:
        """``matches(n)`` for every order."""
        return tuple(self.matches(n) for n in range(1, self.max_order + 1))


def sentence_statistics(
    hypothesis_tokens: Sequence[str],
    reference_tokens: Sequence[Sequence[str]],
    max_order: int = MAX_NGRAM_ORDER,
) -> SentenceStatistics:
    """Clipped n-gram counts of already-tokenized text against one or more tokenized references."""
    if not reference_tokens:
        raise InputError("BLEU needs at least one reference for every hypothesis")
    hypothesis = tuple(hypothesis_tokens)
    references = tuple(tuple(r) for r in reference_tokens)
    orders = range(1, max_order + 1)
    counts = tuple(
        clipped_count(count_ngrams(hypothesis, n), max_counts([count_ngrams(r, n) for r in references]))
        for n in orders
    )
    sys_len = len(hypothesis)
    return SentenceStatistics(
        hypothesis_tokens=hypothesis,
        reference_tokens=references,
        sys_len=sys_len,
        ref_len=closest_reference_length(sys_len, [len(r) for r in references]),
        counts=counts,
        totals=tuple(max(sys_len - n + 1, 0) for n in orders),
    )


# ------------------------------------------------------------------------------------------ the formula


@dataclass(frozen=True)
class BleuReport:
    """A BLEU score with everything behind it; the first seven fields mean what they mean in sacrebleu's
    ``BLEUScore``: ``score`` (0-100), ``counts`` / ``totals`` per order, ``precisions`` in percent, ``bp``,
    ``sys_len``, ``ref_len``.

    ``counts`` and ``totals`` are always the plain n-gram statistics (``sum`` of ``clipped_count`` and of
    ``candidate_count`` over ``matches(n)``). sacrebleu's add-k smoothing adds k to its own ``counts`` and
    ``totals`` for orders 2 and up before reporting them; those smoothed numbers, which are the ones the
    precisions divide, are ``smoothed_counts`` / ``smoothed_totals`` (equal to ``counts`` / ``totals`` for
    every other method). ``orders_used`` is how many precisions enter the geometric mean (the effective
    order when ``effective_order`` is on, else ``max_order``).
    """

    score: float
    counts: tuple[int, ...]
    totals: tuple[int, ...]
    precisions: tuple[float, ...]
    bp: float
    sys_len: int
    ref_len: int
    smooth_method: str = DEFAULT_SMOOTH_METHOD
    smooth_value: float | None = None
    effective_order: bool = False
    orders_used: int = MAX_NGRAM_ORDER
    smoothed_counts: tuple[float, ...] = ()
    smoothed_totals: tuple[float, ...] = ()
    sentences: tuple[SentenceStatistics, ...] = field(default=(), repr=False)

    @property
    def max_order(self) -> int:
        return len(self.counts)

    @property
    def ratio(self) -> float:
        """``sys_len / ref_len`` (0 without reference words), as sacrebleu prints it."""
        return self.sys_len / self.ref_len if self.ref_len else 0.0

    def matches(self, order: int) -> list[OrderExplanation]:
        """One order's explanation for every sentence, in corpus order (computed now, not kept)."""
        return [sentence.matches(order) for sentence in self.sentences]

    def iter_matches(self) -> Iterator[tuple[int, NgramMatch]]:
        """``(sentence index, match)`` for every sentence and order: the full explanation, row by row."""
        for index, sentence in enumerate(self.sentences):
            for order in sentence.explanation():
                for match in order:
                    yield index, match


def _floored_log(value: float) -> float:
    return math.log(value) if value != 0.0 else _LOG_OF_ZERO


def bleu_from_statistics(
    counts: Sequence[int],
    totals: Sequence[int],
    sys_len: int,
    ref_len: int,
    *,
    smooth_method: str = "none",
    smooth_value: float | None = None,
    effective_order: bool = False,
    sentences: tuple[SentenceStatistics, ...] = (),
) -> BleuReport:
    """The score from summed statistics, step for step as sacrebleu's ``BLEU.compute_bleu``.

    - ``bp = exp(1 - ref_len / sys_len)`` when the output is shorter than the reference, 0 for an empty
      output, else 1.
    - No match of any order: score 0 (sacrebleu's early stop, no smoothing applied).
    - Precision of order n is ``counts / totals``; the loop stops at the first order without candidate
      n-grams. A zero count becomes ``1 / (2^k * total)`` for the k-th such order under ``exp``,
      ``smooth_value / total`` under ``floor``; ``add-k`` adds k to count and total from order 2 on; ``none``
      leaves it 0, and log(0) is floored so the score is 0.
    - ``score = bp * exp(mean of log precisions over the orders used)``; with ``effective_order`` the orders
      used stop at the last order that has candidate n-grams (sacrebleu's sentence-level default).
    """
    if smooth_method not in SMOOTH_DEFAULTS:
        raise InputError(
            f"unknown BLEU smoothing {smooth_method!r}; choose one of {', '.join(SMOOTH_METHODS)}"
        )
    if smooth_value is None:
        smooth_value = SMOOTH_DEFAULTS[smooth_method]
    max_order = len(counts)
    bp = 1.0
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    precisions = [0.0] * max_order
    correct, total = list(counts), list(totals)
    common = {
        "counts": tuple(counts),
        "totals": tuple(totals),
        "bp": bp,
        "sys_len": sys_len,
        "ref_len": ref_len,
        "smooth_method": smooth_method,
        "smooth_value": smooth_value,
        "effective_order": effective_order,
        "sentences": sentences,
    }
    if not any(correct):
        return BleuReport(
            score=0.0,
            precisions=tuple(precisions),
            orders_used=max_order,
            smoothed_counts=tuple(correct),
            smoothed_totals=tuple(total),
            **common,
        )
    halvings = 1.0
    orders_used = max_order
    for n in range(1, max_order + 1):
        if smooth_method == "add-k" and n > 1:
            correct[n - 1] += smooth_value
            total[n - 1] += smooth_value
        if total[n - 1] == 0:
            break
        if effective_order:
            orders_used = n
        if correct[n - 1] == 0:
            if smooth_method == "exp":
                halvings *= 2
                precisions[n - 1] = 100.0 / (halvings * total[n - 1])
            elif smooth_method == "floor":
                precisions[n - 1] = 100.0 * smooth_value / total[n - 1]
        else:
            precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1]
    score = bp * math.exp(sum([_floored_log(p) for p in precisions[:orders_used]]) / orders_used)
    return BleuReport(
        score=score,
        precisions=tuple(precisions),
        orders_used=orders_used,
        smoothed_counts=tuple(correct),
        smoothed_totals=tuple(total),
        **common,
    )


# ------------------------------------------------------------------------------------------ entry points


def corpus_bleu(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str | None]],
    *,
    smooth_method: str = DEFAULT_SMOOTH_METHOD,
    smooth_value: float | None = None,
    lowercase: bool = False,
    tokenize: str = DEFAULT_TOKENIZER,
    use_effective_order: bool = False,
    max_ngram_order: int = MAX_NGRAM_ORDER,
) -> BleuReport:
    """Corpus BLEU with sacrebleu's arguments and layout: ``references[k][i]`` is the k-th reference of
    hypothesis i (``None`` where a sentence has fewer references). Statistics are summed over sentences,
    then scored once. Unlike sacrebleu, streams of different lengths are an error, not silently cut."""
    return _bleu(
        hypotheses,
        references,
        smooth_method=smooth_method,
        smooth_value=smooth_value,
        lowercase=lowercase,
        tokenizer=tokenize,
        effective_order=use_effective_order,
        max_order=max_ngram_order,
    )


def sentence_bleu(
    hypothesis: str,
    references: Sequence[str],
    *,
    smooth_method: str = DEFAULT_SMOOTH_METHOD,
    smooth_value: float | None = None,
    lowercase: bool = False,
    tokenize: str = DEFAULT_TOKENIZER,
    use_effective_order: bool = True,
    max_ngram_order: int = MAX_NGRAM_ORDER,
) -> BleuReport:
    """BLEU of one sentence against its references, sacrebleu's ``sentence_bleu`` (effective order on)."""
    if isinstance(references, str):
        raise InputError("references must be a list of strings, not one string")
    return _bleu(
        [hypothesis],
        [[reference] for reference in references],
        smooth_method=smooth_method,
        smooth_value=smooth_value,
        lowercase=lowercase,
        tokenizer=tokenize,
        effective_order=use_effective_order,
        max_order=max_ngram_order,
    )


def sentence_bleus(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str | None]],
    *,
    smooth_method: str = DEFAULT_SMOOTH_METHOD,
    smooth_value: float | None = None,
    lowercase: bool = False,
    tokenize: str = DEFAULT_TOKENIZER,
    use_effective_order: bool = True,
) -> list[BleuReport]:
    """``sentence_bleu`` for every line of a corpus (same layout as ``corpus_bleu``), one report each."""
    corpus = corpus_bleu(
        hypotheses, references, lowercase=lowercase, tokenize=tokenize, smooth_method=smooth_method
    )
    return [
        bleu_from_statistics(
            s.counts,
            s.totals,
            s.sys_len,
            s.ref_len,
            smooth_method=smooth_method,
            smooth_value=smooth_value,
            effective_order=use_effective_order,
            sentences=(s,),
        )
        for s in corpus.sentences
    ]


def _bleu(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str | None]],
    *,
    smooth_method: str,
    smooth_value: float | None,
    lowercase: bool,
    tokenizer: str,
    effective_order: bool,
    max_order: int,
) -> BleuReport:
    if isinstance(hypotheses, str) or any(isinstance(stream, str) for stream in references):
        raise InputError("hypotheses and each reference stream must be lists of strings, not one string")
    if not references:
        raise InputError("BLEU needs at least one reference stream")
    if smooth_method not in SMOOTH_DEFAULTS:
        raise InputError(
            f"unknown BLEU smoothing {smooth_method!r}; choose one of {', '.join(SMOOTH_METHODS)}"
        )
    if max_order < 1:
        raise InputError("the maximum n-gram order must be at least 1")
    for k, stream in enumerate(references, start=1):
        if len(stream) != len(hypotheses):
            raise InputError(
                f"reference stream {k} has {len(stream)} sentences but there are {len(hypotheses)} hypotheses"
            )
    tokenizer_call = sacrebleu_tokenizer(tokenizer)

    def words(sentence: str) -> list[str]:
        if lowercase:
            sentence = sentence.lower()
        return tokenizer_call(sentence.rstrip()).split()

    sentences = []
    counts = [0] * max_order
    totals = [0] * max_order
    sys_len = ref_len = 0
    for index, (hypothesis, *refs) in enumerate(zip(hypotheses, *references, strict=True)):
        present = [words(r) for r in refs if r is not None]
        if not present:
            raise InputError(f"hypothesis {index + 1} has no reference")
        stats = sentence_statistics(words(hypothesis), present, max_order)
        sentences.append(stats)
        sys_len += stats.sys_len
        ref_len += stats.ref_len
        for n in range(max_order):
            counts[n] += stats.counts[n]
            totals[n] += stats.totals[n]
    return bleu_from_statistics(
        counts,
        totals,
        sys_len,
        ref_len,
        smooth_method=smooth_method,
        smooth_value=smooth_value,
        effective_order=effective_order,
        sentences=tuple(sentences),
    )


# ------------------------------------------------------------------------------------ the course's variant


@dataclass(frozen=True)
class CourseBleu:
    """The course's BLEU, ``exp(min(0, 1 - len_ref / len_pred)) * prod_n p_n ** (1 / 2**n)``, with its parts.

    This is d2l's ``bleu(pred_seq, label_seq, k)``: the product runs over the orders
    ``n = 1 .. min(k, len_pred)`` only (``orders_used``); an order the prediction is too short for has no
    n-grams and is *skipped* (``skipped_orders``), not counted as a zero precision. So ``"va !"`` against
    ``"va !"`` scores 1 with ``k = 4``, as the d2l book prints.

    ``matches`` and ``totals`` have one entry per order ``1 .. max_order`` (a skipped order has total 0);
    ``precisions`` and ``weights`` only for the orders used: ``precisions[n-1] = matches[n-1] / totals[n-1]``
    (fractions 0-1, not percent), ``weights[n-1] = 1 / 2**n``. ``score`` is 0-1.
    """

    score: float
    bp: float
    precisions: tuple[float, ...]
    weights: tuple[float, ...]
    matches: tuple[int, ...]
    totals: tuple[int, ...]
    pred_len: int
    ref_len: int
    max_order: int = MAX_NGRAM_ORDER

    @property
    def orders_used(self) -> int:
        """How many orders enter the product: ``min(max_order, pred_len)`` (d2l's ``min(k, len_pred)``)."""
        return len(self.precisions)

    @property
    def skipped_orders(self) -> tuple[int, ...]:
        """The orders the prediction is too short for, left out of the product (none for long ones)."""
        return tuple(range(self.orders_used + 1, self.max_order + 1))

    @property
    def empty_prediction(self) -> bool:
        """An empty prediction has no n-grams at all: its score is 0 by definition (``bp = 0``)."""
        return self.pred_len == 0


def course_bleu(
    prediction: Sequence[str] | str, reference: Sequence[str] | str, max_order: int = MAX_NGRAM_ORDER
) -> CourseBleu:
    """The course's variant (d2l's ``bleu``) for one prediction and one reference (token lists; a string is
    split on whitespace). With several references, the caller picks one: the BLEU page uses the first.

    Unlike sacrebleu's BLEU, longer n-grams weigh *less* (``1 / 2**n``, so the weights sum to less than 1
    and a perfect match still scores 1), there is no smoothing and no geometric mean over a fixed order.
    ``p_n`` is the clipped match count over the prediction's n-grams of order n.

    Edge cases, where the plain formula divides by zero:
    - an order the prediction is too short for (``len_pred < n``) is skipped, as d2l's loop
      ``for n in range(1, min(k, len_pred) + 1)`` skips it: ``"va !"`` vs ``"va !"`` scores 1;
    - an empty prediction scores 0: ``bp`` is 0 (the limit of ``exp(1 - len_ref / len_pred)`` as
      ``len_pred`` goes to 0) and no order is used;
    - any zero precision makes the product, and so the score, 0 (``0 ** w = 0`` for ``w > 0``).
    An empty reference with a non-empty prediction has ``bp = 1`` and ``p_1 = 0``: score 0.
    """
    if max_order < 1:
        raise InputError("the maximum n-gram order must be at least 1")
    pred = prediction.split() if isinstance(prediction, str) else list(prediction)
    ref = reference.split() if isinstance(reference, str) else list(reference)
    pred_len, ref_len = len(pred), len(ref)
    bp = math.exp(min(0.0, 1 - ref_len / pred_len)) if pred_len > 0 else 0.0
    orders = range(1, max_order + 1)
    matches = tuple(clipped_count(count_ngrams(pred, n), count_ngrams(ref, n)) for n in orders)
    totals = tuple(max(pred_len - n + 1, 0) for n in orders)
    used = min(max_order, pred_len)
    precisions = tuple(matches[n - 1] / totals[n - 1] for n in range(1, used + 1))
    weights = tuple(0.5**n for n in range(1, used + 1))
    score = bp
    for p, w in zip(precisions, weights, strict=True):
        score *= p**w
    return CourseBleu(score, bp, precisions, weights, matches, totals, pred_len, ref_len, max_order)


# ------------------------------------------------------------------------------------ formatting and files


def format_bleu(report: BleuReport, width: int = 2) -> str:
    """One line as sacrebleu prints it: ``BLEU = 12.34 45.0/20.1/9.8/4.2 (BP = 0.950 ratio = ...)``."""
    precisions = "/".join(f"{p:.1f}" for p in report.precisions)
    return (
        f"BLEU = {report.score:.{width}f} {precisions} (BP = {report.bp:.3f} ratio = {report.ratio:.3f} "
        f"hyp_len = {report.sys_len:d} ref_len = {report.ref_len:d})"
    )


def read_sentences(path: str | Path) -> list[str]:
    """The lines of a UTF-8 text file, one sentence each (``\\n``, ``\\r\\n`` or ``\\r`` end a line).

    Raises ``CorpusError`` with one sentence for a missing, unreadable, empty or non-UTF-8 file, so the CLI
    can print it instead of a traceback.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a folder, not a text file") from None
    except OSError as error:
        raise CorpusError(f"{path}: cannot read it ({error.strerror or error})") from None
    return sentences_from_bytes(data, str(path))


def sentences_from_bytes(
    data: bytes, name: str, max_bytes: int | None = None, max_lines: int | None = None
) -> list[str]:
    """``read_sentences`` for bytes already in memory (an uploaded file), with optional caps on its size and
    on its number of lines (a file over either is refused whole, so no score stands for part of a file)."""
    path = name
    if max_bytes is not None and len(data) > max_bytes:
        raise CorpusError(
            f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,}",
            code="file.too_big",
            name=name,
            size_bytes=len(data),
            limit_bytes=max_bytes,
        )
    if not data:
        raise CorpusError(
            f"{path}: the file is empty; BLEU needs one sentence per line", code="file.empty", name=name
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CorpusError(
            f"{path}: line {line} is not valid UTF-8", code="file.not_utf8", name=name, line=line
        ) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    if max_lines is not None and len(lines) > max_lines:
        raise CorpusError(
            f"{name}: {len(lines):,} lines is over the limit of {max_lines:,}",
            code="file.too_many_lines",
            name=name,
            lines=len(lines),
            limit=max_lines,
        )
    return lines


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese / Japanese / Korean ideographs or syllables: text that ``13a`` cannot
    split into words (it has no spaces), so every sentence would be one token and BLEU zero."""
    return any(
        "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uac00" <= ch <= "\ud7af"
        or "\u3040" <= ch <= "\u30ff" or "\U00020000" <= ch <= "\U0002fa1f"
        for ch in text
    )  # fmt: skip


def auto_tokenizer(texts: Sequence[str]) -> str:
    """sacrebleu's choice for a target language, made from the text itself: ``zh`` when any text holds CJK
    characters (sacrebleu uses ``zh`` for a Chinese target), else its default ``13a``."""
    return "zh" if any(has_cjk(text) for text in texts) else "13a"


def tokenizer_for(target_tokenizer: str) -> str:
    """The sacrebleu tokenizer that splits text the way a checkpoint's target tokenizer does: a character
    model's outputs are compared character by character (``char``), a word model's with ``13a``."""
    return "char" if target_tokenizer == "char" else "13a"


# ----------------------------------------------------------------------------------- shown in a sentence

MatchMark = str  # "matched" | "clipped" | "unmatched"


def occurrence_marks(tokens: Sequence[str], explanation: OrderExplanation) -> list[tuple[int, MatchMark]]:
    """``(start, mark)`` for every n-gram occurrence of ``tokens`` in order: the first ``clipped_count``
    occurrences of an n-gram are *matched*; later ones that the references also hold, but fewer times, are
    *clipped* (they count in the total, not in the matches); n-grams no reference holds are *unmatched*.
    So the matched marks of an order add up to its ``count``, and all marks to its ``total``."""
    order = explanation.order
    allowed = dict(zip(explanation.ngrams, explanation.clipped_counts, strict=True))
    in_reference = dict(zip(explanation.ngrams, explanation.max_ref_counts, strict=True))
    seen: Counter = Counter()
    marks = []
    for start in range(len(tokens) - order + 1):
        ngram = tuple(tokens[start : start + order])
        seen[ngram] += 1
        if seen[ngram] <= allowed.get(ngram, 0):
            marks.append((start, "matched"))
        else:
            marks.append((start, "clipped" if in_reference.get(ngram, 0) else "unmatched"))
    return marks


def sacrebleu_sentence_score(
    hypothesis: str,
    references: Sequence[str],
    *,
    tokenize: str = DEFAULT_TOKENIZER,
    lowercase: bool = False,
    smooth_method: str = DEFAULT_SMOOTH_METHOD,
) -> float:
    """sacrebleu's own ``sentence_bleu`` score, for a page to show beside ours (the tests prove them equal;
    the page lets a reader see it for their own sentence)."""
    import sacrebleu

    return float(
        sacrebleu.sentence_bleu(
            hypothesis, list(references), tokenize=tokenize, lowercase=lowercase, smooth_method=smooth_method
        ).score
    )
