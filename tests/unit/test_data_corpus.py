"""User parallel corpora: the Tatoeba/d2l format, normalisation, limits, and errors that name their line."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from seqviz.data.corpus import CorpusTask, ParallelCorpus, examples_to_tsv, load_parallel_corpus
from seqviz.data.tasks import Example
from seqviz.data.vocab import UNK
from seqviz.errors import CorpusError, InputError

ATTRIBUTION = "CC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)"
TATOEBA = (
    "\ufeff# exported from tatoeba.org\r\n"
    f"Go.\tVa !\t{ATTRIBUTION}\r\n"
    "Go.\tMarche.\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #8090732 (Micsmithel)\r\n"
    "Hi.\tSalut !\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & #509819 (Aiji)\r\n"
    "\r\n"
    "Run!\tCours\u202f!\tCC-BY 2.0 (France) Attribution: tatoeba.org #906328 (papabear) & #906331 (sc)\r\n"
    "  I  see.\tJe\u00a0comprends.\r\n"
    f"{' '.join(['word'] * 40)}\tbeaucoup trop long\r\n"
    "Who knows?\tQui sait ?\r\n"
)


def test_tatoeba_sample_with_attribution_crlf_bom_and_comments() -> None:
    corpus = load_parallel_corpus(TATOEBA.encode("utf-8"))
    assert corpus.pairs == [
        Example("go.", "va !"),
        Example("go.", "marche."),
        Example("hi.", "salut !"),
        Example("run!", "cours !"),  # the narrow no-break space is a plain space now
        Example("i see.", "je comprends."),
        Example("who knows?", "qui sait ?"),
    ]
    assert (corpus.filtered_too_long, corpus.skipped_blank, corpus.truncated) == (1, 2, False)
    assert (corpus.tokenizer, corpus.lowercase, corpus.name) == ("word", True, "corpus")


def test_file_path_text_and_bytes_agree(tmp_path: Path) -> None:
    path = tmp_path / "fra-eng.txt"
    path.write_bytes(TATOEBA.encode("utf-8"))
    from_path = load_parallel_corpus(path)
    assert from_path.name == "fra-eng"
    assert load_parallel_corpus(str(path)).pairs == from_path.pairs
    assert load_parallel_corpus(text=TATOEBA).pairs == from_path.pairs
    assert load_parallel_corpus(path.read_bytes(), name="upload").name == "upload"


def test_options() -> None:
    cased = load_parallel_corpus(text="Go.\tVa !\nHi there.\tSalut !\n", lowercase=False)
    assert cased.pairs[0] == Example("Go.", "Va !")
    assert load_parallel_corpus(text="abc\tdefgh\n", tokenizer="char", max_tokens=5).pairs == [
        Example("abc", "defgh")
    ]
    assert (
        load_parallel_corpus(text="abc\tdefghi\nab\tcd\n", tokenizer="char", max_tokens=5).filtered_too_long
        == 1
    )
    with pytest.raises(InputError):
        load_parallel_corpus(text="a\tb\n", tokenizer="bpe")
    with pytest.raises(InputError):
        load_parallel_corpus(text="a\tb\n", max_tokens=0)
    with pytest.raises(InputError, match="not both or neither"):
        load_parallel_corpus(b"a\tb\n", text="a\tb\n")


def test_max_pairs_keeps_the_first_and_says_so() -> None:
    text = "".join(f"sentence {i}\tphrase {i}\n" for i in range(10))
    corpus = load_parallel_corpus(text=text, max_pairs=4)
    assert corpus.truncated and [pair.source for pair in corpus.pairs] == [f"sentence {i}" for i in range(4)]
    assert not load_parallel_corpus(text=text, max_pairs=10).truncated


def test_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.tsv"
    path.write_text("a\tb\n" * 1000, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"big.tsv is 4\.0 kB, over the limit of 100 bytes"):
        load_parallel_corpus(path, max_bytes=100)
    with pytest.raises(CorpusError, match=r"the corpus is 2\.5 MB, over the limit of 2\.0 MB"):
        load_parallel_corpus(b"a\tb\n" * 625_000, max_bytes=2_000_000)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Go.\tVa !\nHi.\tSalut !\n\n# note\n\nRun!\tCours !\nA\tB\xff\xfe\n",
            "line 7 is not valid UTF-8 text; save the file as UTF-8",
        ),
        (
            b"Go.\tVa !\r\n" * 11 + b"This line has no tab at all, only spaces between the two sides\r\n",
            'line 12 has no TAB between source and target: "This line has no tab at all, only spaces…"',
        ),
        (b"Go.\tVa !\n\tSalut !\n", 'line 2 has an empty source: "<TAB>Salut !"'),
        (b"Go.\tVa !\nHi.\t \t\xc2\xa0\n", 'line 2 has an empty target: "Hi.<TAB> <TAB>\xa0"'),
        (
            b"\n# only comments\n\n",
            "the corpus has no usable pairs: write one source<TAB>target pair per line",
        ),
        (b"", "the corpus has no usable pairs: write one source<TAB>target pair per line"),
        (
            b"one two three\tun deux trois\n",
            "the corpus has no usable pairs: 1 pair was longer than 2 tokens on a side",
        ),
    ],
)
def test_errors_name_their_line(content: bytes, message: str) -> None:
    with pytest.raises(CorpusError) as caught:
        load_parallel_corpus(content, max_tokens=2 if b"three" in content else 30)
    assert str(caught.value) == message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="there is no corpus file at"):
        load_parallel_corpus(tmp_path / "nope.tsv")
    with pytest.raises(CorpusError, match=r"pass it as text="):
        load_parallel_corpus("Go.\tVa !")  # a str is a path; the message says how to pass text


def _corpus(n: int) -> ParallelCorpus:
    pairs = [Example(f"sentence number {i}", f"phrase numéro {i}") for i in range(n)]
    pairs.append(Example("sentence number 0", "une autre traduction"))  # one source, two translations
    return ParallelCorpus(pairs)


def test_corpus_task_split() -> None:
    task = CorpusTask(_corpus(50), name="demo")
    validation = task.validation()
    assert task.name == "demo" and task.is_corpus
    assert len(validation) == 5 and task.validation(seed=3) == validation  # a fixed tenth of the sources
    assert task.validation(size=2) == validation[:2]
    held = {example.source for example in validation}
    assert len(task.train_pairs) + len(held) == 51 - ("sentence number 0" in held)
    stream = list(itertools.islice(task.train_stream(seed=1), 3 * len(task.train_pairs)))
    assert not held & {example.source for example in stream}
    assert sorted(stream[: len(task.train_pairs)], key=str) == sorted(task.train_pairs, key=str)  # epochs
    assert stream[: len(task.train_pairs)] != stream[len(task.train_pairs) : 2 * len(task.train_pairs)]
    assert stream[:20] == list(itertools.islice(task.train_stream(seed=1), 20))
    assert task.max_source_tokens == 3 and task.max_target_tokens == 3
    assert set(task.description) == {"en", "zh"} and "51" in task.description["en"]


def test_corpus_task_small_and_tiny() -> None:
    assert len(CorpusTask(ParallelCorpus([Example("a", "b"), Example("c", "d")])).validation()) == 1
    with pytest.raises(CorpusError, match="at least two different source sentences"):
        CorpusTask(ParallelCorpus([Example("a", "b"), Example("a", "c")]))


def test_corpus_vocab_is_honest_about_unknown_words() -> None:
    corpus = ParallelCorpus([Example(f"w{i} common", f"m{i} commun") for i in range(30)])
    task = CorpusTask(corpus)
    source_vocab, target_vocab = task.build_vocabs()
    validation_words = {word for e in task.validation() for word in e.source.split()} - {"common"}
    assert validation_words and not validation_words & set(source_vocab.tokens)
    ids = source_vocab.encode(task.source_tokenizer.tokenize(task.validation()[0].source))
    assert source_vocab.decode(ids) == [UNK, "common"]
    assert "commun" in target_vocab


def test_tsv_round_trip() -> None:
    task = CorpusTask(load_parallel_corpus(TATOEBA.encode("utf-8")))
    tsv = task.to_tsv()
    assert tsv == examples_to_tsv(task.validation()) and tsv.endswith("\n")
    assert load_parallel_corpus(text=tsv).pairs == task.validation()
    assert task.source_tokenizer.lowercase  # so the app lower-cases what a user types, as the corpus was
