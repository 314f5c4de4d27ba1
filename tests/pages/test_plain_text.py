"""User-controlled text is shown as the characters it holds: a checkpoint's folder and task name, a ``?ckpt=``
value, error messages that quote them. Markdown in them must not become a link or an image (which would make
every reader's browser fetch a URL someone else chose), on any page."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqviz.checkpoints.provenance import TaskInfo
from seqviz.checkpoints.store import save_checkpoint
from seqviz.ui.plain import MARKDOWN_SPECIALS, code, plain
from tests.support.apptest import TEXT_KINDS, open_page
from tests.support.checkpoints import small_checkpoint

LINK = "[click](http://evil.example/x)"
IMAGE = "![x](http://example.com/a.png)"
HOSTILE_TASK = f"{IMAGE} {LINK} <img src=x> www.evil.example $x$ :red[y]"
HOSTILE_FOLDER = "![img](x.png)[click](javascript:alert(1))"  # a folder name cannot hold "/"
HOSTILE_QUERY = f"{IMAGE}{LINK}"
# Markup that would be obeyed: its first character not escaped by a backslash (escaped forms such as
# ``\[click\]\(http\:`` or ``\<img`` read as the characters themselves).
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)  # markdown is not parsed inside
RAW_MARKUP = re.compile(r"(?<!\\)(\]\(|!\[|<img|http://|www\.evil|javascript:)")
PAGES = [
    "app.py",
    "pages/1_Gates.py",
    "pages/2_Attention.py",
    "pages/3_Decoding.py",
    "pages/4_Beam_search.py",
    "pages/5_BLEU.py",
    "pages/6_Train.py",
    "pages/7_Language_models.py",
    "pages/8_Embeddings.py",
    "pages/9_Forecasting.py",
]


def unescape(markdown: str) -> str:
    """CommonMark's backslash escapes undone: ``\\X`` is ``X`` for every ASCII punctuation X."""
    out, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and markdown[i + 1] in string.punctuation:
            out.append(markdown[i + 1])
            i += 2
        else:
            out.append(markdown[i])
            i += 1
    return "".join(out)


def unescaped_specials(markdown: str) -> list[str]:
    """Characters markdown would read as syntax (``MARKDOWN_SPECIALS``) that no backslash escapes."""
    found, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and markdown[i + 1] in string.punctuation:
            i += 2
            continue
        if markdown[i] in MARKDOWN_SPECIALS:
            found.append(markdown[i])
        i += 1
    return found


# ------------------------------------------------------------------------------------------- the helper


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_plain_leaves_no_markdown_syntax_and_reads_back(text):
    shown = plain(text)
    assert unescaped_specials(shown) == []
    assert not any(0x2066 <= ord(c) <= 0x2069 or 0x202A <= ord(c) <= 0x202E for c in shown)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
    if all(c.isprintable() or c == " " for c in text) and not any(0x202A <= ord(c) <= 0x202E for c in text):
        assert unescape(shown) == text  # printable text reads back exactly


def test_the_specials_cover_markdown_syntax():
    # links and images, HTML and entities, emphasis and code, headings, lists, tables, block quotes,
    # setext underlines, math, Streamlit's :colour[...] directives, autolinks (http:, www., e-mail)
    assert set("[]()!<>&*_`#+-.|$:=~@\\") <= set(MARKDOWN_SPECIALS)


def test_plain_examples():
    assert plain(LINK) == r"\[click\]\(http\://evil\.example/x\)"
    assert plain("a\x1b[31mb\u202ec") == r"a\\x1b\[31mb\\u202ec"  # shown as the escape, not obeyed
    assert plain("one\ntwo") == r"one\\x0atwo"
    assert plain("one\ntwo", keep_newlines=True) == "one  \ntwo"
    assert plain("日本語 ok") == "日本語 ok"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", "`abc`"),
        ("a`b", "``a`b``"),
        ("x```y", "````x```y````"),
        ("`edge`", "`` `edge` ``"),
        ("", "` `"),
        ("[l](http://e)", "`[l](http://e)`"),
    ],
)
def test_code_span_cannot_be_closed_from_inside(text, expected):
    assert code(text) == expected
    assert CODE_SPAN.fullmatch(code(text))  # one span from the first backtick to the last


# ------------------------------------------------------------------------------------------- the pages


def assert_literal(at) -> str:
    """No text element of the page holds raw link, image or HTML syntax; returns all the text."""
    shown = []
    for kind in (*TEXT_KINDS, "title", "subheader", "header", "exception"):
        for element in at.get(kind):
            value = str(element.value)
            assert not RAW_MARKUP.search(CODE_SPAN.sub("", value)), (kind, value[:300])
            shown.append(value)
    return "\n".join(shown)


@pytest.fixture()
def hostile_checkpoint(tmp_path, monkeypatch):
    """A checkpoint whose folder and task names are markdown, put in the class's shared folder by hand (the
    app refuses such names, a lecturer's file system does not): the picker lists it, links name it."""
    user = tmp_path / "user"
    checkpoint = small_checkpoint()
    checkpoint.task = TaskInfo(name=HOSTILE_TASK, seed=0)
    save_checkpoint(checkpoint, user / "shared" / HOSTILE_FOLDER)
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(user))
    return user / "shared" / HOSTILE_FOLDER


@pytest.mark.parametrize("page", PAGES)
def test_a_hostile_checkpoint_shows_literally_on_every_page(hostile_checkpoint, page):
    at = open_page(page, lang="en", ckpt=HOSTILE_FOLDER)
    shown = assert_literal(at)
    if page == "app.py":  # the picker's details: the task name, escaped
        assert plain(HOSTILE_TASK) in shown
    if page == "pages/1_Gates.py":  # the caption says which checkpoint it reads
        assert plain(HOSTILE_FOLDER) in shown


@pytest.mark.parametrize("page", PAGES)
def test_a_hostile_ckpt_link_shows_literally_on_every_page(page):
    at = open_page(page, lang="en", ckpt=HOSTILE_QUERY)
    shown = assert_literal(at)
    if page in ("app.py", "pages/1_Gates.py", "pages/7_Language_models.py"):  # pages with a picker
        assert f"The checkpoint {plain(HOSTILE_QUERY)} from the link is not here" in shown


def test_error_messages_quote_user_text_literally(tmp_path, monkeypatch):
    """A SeqvizError whose message quotes a file's content (here a corpus line) is shown escaped."""
    from seqviz.errors import CorpusError
    from seqviz.ui.errors import show_error

    shown = []

    class Box:
        def error(self, body, **_):
            shown.append(body)

    show_error(CorpusError(f'line 3 has no TAB: "{IMAGE}"'), Box())
    assert len(shown) == 1 and "![" not in shown[0] and plain(IMAGE) in shown[0]


@pytest.mark.parametrize(
    "page",
    ["pages/1_Gates.py", "pages/2_Attention.py", "pages/3_Decoding.py", "pages/4_Beam_search.py"],
)
def test_a_hostile_text_link_shows_its_unknown_words_literally(page):
    """``?text=`` with markdown: a word model reads the link's pieces as unknown words and names them."""
    at = open_page(page, lang="en", ckpt="en-fr-lstm-bahdanau", text=f"the cat {LINK} {IMAGE}")
    shown = assert_literal(at)
    caption = next(line for line in shown.splitlines() if line.startswith("Not in the model's vocabulary"))
    assert "'click'" in caption and r"'\['" in caption and r"'\('" in caption  # brackets escaped


def test_a_hostile_vocabulary_token_shows_literally(tmp_path, monkeypatch):
    """A vocabulary token is written by whoever made the checkpoint; the Embeddings page names it."""
    from seqviz.data.vocab import Vocab

    checkpoint = small_checkpoint()
    tokens = list(checkpoint.source_vocab.tokens)
    tokens[-1] = LINK  # same size, so the weights still fit
    checkpoint.source_vocab = Vocab(tokens)
    save_checkpoint(checkpoint, tmp_path / "user" / "shared" / "tokens")  # shared: every session lists it
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(tmp_path / "user"))
    at = open_page("pages/8_Embeddings.py", lang="en", ckpt="tokens", side="source", token=LINK)
    assert at.selectbox(key="_url.embeddings.token").value == LINK
    assert plain(LINK) in assert_literal(at)


def test_a_hostile_config_field_name_in_an_upload_error_shows_literally(tmp_path):
    """An uploaded config.json whose metrics name is markdown: the refusal quotes the name, escaped."""
    import json

    from seqviz.checkpoints.store import CONFIG_FILE, WEIGHTS_FILE

    folder = save_checkpoint(small_checkpoint(), tmp_path / "upload")
    meta = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    meta["metrics"] = {IMAGE: "high"}
    at = open_page("pages/6_Train.py", lang="en")
    at.radio(key="train.start_from").set_value("checkpoint").run()
    at.file_uploader(key="train.checkpoint_upload").set_value(
        [
            (CONFIG_FILE, json.dumps(meta).encode(), "application/json"),
            (WEIGHTS_FILE, (folder / WEIGHTS_FILE).read_bytes(), "application/octet-stream"),
        ]
    )
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(plain(f"metrics.{IMAGE} must be a number") in e for e in errors), errors
    assert_literal(at)
