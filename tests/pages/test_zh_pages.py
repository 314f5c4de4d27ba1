"""简体中文 all the way: every page opened in zh shows no English sentence, nor do the errors a student can
cause there (too long or empty input, a checkpoint that is not there, a bad upload).

The check reads what a reader sees (text elements, and the labels and help of widgets) and looks for runs of
ASCII words. Data is not language: tokens and model output in code spans, n-grams on coloured backgrounds,
formulas, model and checkpoint names, units and a short list of technical terms that Chinese text uses as
they are (LSTM, BLEU, Bahdanau, <eos>, ...) are allowed. A run with two or more other words is English left
untranslated ("cpu (2 threads)", "LSTM, bahdanau, 1 layer, hidden 128", "stopped because every hypothesis
finished").
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.ui import PAGES
from tests.support.apptest import open_page, texts

KINDS = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")
WIDGETS = (
    "selectbox",
    "radio",
    "button",
    "text_input",
    "text_area",
    "slider",
    "select_slider",
    "checkbox",
    "toggle",
    "number_input",
    "multiselect",
    "metric",
    "expander",
    "tabs",
)
# Spans that hold data, not prose: code, coloured n-grams (:green-background[the cat]), LaTeX, links,
# special tokens, and names written with hyphens (checkpoints such as reverse-lstm-bahdanau, file names).
DATA_SPANS = re.compile(
    r"`[^`]*`|:[a-z]+-background\[[^\]]*\]|\$\$.*?\$\$|\$[^$]*\$|https?://\S+|<[a-z]+>"
    r"|\b[\w.]+(?:-[\w.]+)+\b|\b\w+\.(?:txt|tsv|csv|json|zip)\b"
    r"|:material/\w+:|（[^（）\u3400-\u9fff]*）",  # icons; a term's gloss: 教师强制（teacher forcing）
    re.DOTALL,
)
# A run of ASCII words joined by anything but Chinese text (spaces, digits, punctuation).
RUN = re.compile(
    r"[A-Za-z][A-Za-z'’_]*(?:[^A-Za-z\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+[A-Za-z][A-Za-z'’_]*)*"
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’_]*")
# Terms Chinese text uses as they are: architectures, metrics, method and person names, units, formats,
# symbols of the equations, the tool's own names. Compared in lower case.
ALLOWED = frozenset(
    [
        "lstm",
        "gru",
        "rnn",
        "bleu",
        "bptt",
        "bahdanau",
        "luong",
        "seqviz",
        "sacrebleu",
        "streamlit",
        "softmax",
        "tanh",
        "sigmoid",
        "relu",
        "argmax",
        "cuda",
        "mps",
        "apple",
        "nvidia",
        "utf",
        "csv",
        "json",
        "txt",
        "zip",
        "mb",
        "kb",
        "gb",
        "tsv",
        "url",
        "id",
        "ids",
        "ckpt",
        "lang",
        "gram",
        "grams",
        "top",
        "log",
        "exp",
        "sos",
        "eos",
        "unk",
        "pad",
        "bos",
        "tab",
        "enter",
        "ctrl",
        "page",  # Page Down / Page Up: the keys' own names, as printed on them and on a clicker
        "down",
        "up",
        "pytorch",
        "torch",
        "nn",
        "python",
        "seq",
        "chrf",
        "ter",
        "d2l",
        "pred",
        "label",
        "len",
        "min",
        "max",
        "ref",
        "hyp",
        "src",
        "tgt",
        "lr",
        "adam",
        "sgd",
        "ppl",
        "nll",
        "ce",
        "gen",
        "alpha",
    ]
)


def english_runs(text: str) -> list[str]:
    """The runs of ASCII words in ``text`` with two or more words outside ``ALLOWED`` (data spans removed)."""
    found = []
    for run in RUN.findall(DATA_SPANS.sub(" ", text.replace("\\", ""))):  # markdown escapes: no\-such
        words = [
            w
            for w in WORD.findall(run)
            if len(w) > 1 and "_" not in w and w.lower().strip("'’") not in ALLOWED  # x_t, h_j: symbols
        ]
        if len(words) >= 2:
            found.append(run)
    return found


def visible_text(at: AppTest) -> list[str]:
    """Every text a reader sees: text elements, and widgets' labels and help."""
    lines = texts(at, KINDS).splitlines()
    for kind in WIDGETS:
        for element in at.get(kind):
            for attribute in ("label", "help"):
                value = getattr(element, attribute, None)
                if isinstance(value, str) and value:
                    lines.append(value)
    return lines


def assert_chinese(at: AppTest, ignore: str | None = None) -> None:
    """No English sentence on the page; ``ignore``: a text that is data (the input a lesson presets)."""
    data = ignore.split() if ignore else []
    lines = [" ".join(" " if word in data else word for word in line.split(" ")) for line in visible_text(at)]
    leftovers = [f"{run!r} in {line[:120]!r}" for line in lines for run in english_runs(line)]
    assert leftovers == [], "English left on a zh page:\n" + "\n".join(leftovers)


def test_the_check_finds_english_and_lets_data_through():
    assert english_runs("停止原因：every hypothesis finished。") == ["every hypothesis finished"]
    assert english_runs("模型运行在：cpu (2 threads)") == ["cpu (2 threads"]
    assert english_runs("结构：LSTM, bahdanau, 1 layer, hidden 128") != []
    assert english_runs("无法继续：the input is empty: type something for the model to read") != []
    assert english_runs("LSTM、Bahdanau 注意力、1 层、隐藏层 128 维") == []
    assert english_runs("采样结果：`the river runs past the mill`") == []
    assert english_runs(":green-background[the cat is] 匹配") == []
    assert english_runs("用 sacrebleu 计算 BLEU，以 <eos> 结束") == []


@pytest.mark.parametrize("page", ["app.py", *(page.path for page in PAGES)])
def test_every_page_in_chinese_has_no_english_sentences(page):
    assert_chinese(open_page(page, lang="zh"))


def test_home_page_describes_the_model_in_chinese():
    at = open_page("app.py", lang="zh", ckpt="reverse-bilstm-bahdanau")
    shown = texts(at)
    assert "LSTM、Bahdanau 注意力、双向编码器、1 层、隐藏层 128 维" in shown
    assert_chinese(at)


@pytest.mark.parametrize(
    ("page", "text", "expected"),
    [
        ("pages/2_Attention.py", "a" * 300, "有 300 个词元"),
        ("pages/3_Decoding.py", " ", "输入是空的"),
    ],
)
def test_errors_a_student_can_cause_are_in_chinese(page, text, expected):
    at = open_page(page, lang="zh", ckpt="reverse-lstm-bahdanau", text=text)
    errors = [element.value for element in at.error]
    assert errors, "the page showed no error"
    assert all(value.startswith("无法继续：") for value in errors)
    assert any(expected in value for value in errors), errors
    assert_chinese(at)


def test_an_unknown_checkpoint_in_the_link_is_explained_in_chinese():
    at = open_page("pages/4_Beam_search.py", lang="zh", ckpt="no-such-model")
    assert any("no\\-such\\-model" in w.value and "不在这里" in w.value for w in at.warning)
    assert_chinese(at)


def test_uploaders_state_the_pages_own_limit():
    """Streamlit draws "Limit … per file" itself, in English; it must at least name the same limit as the
    page's own caption (not the server-wide 300 MB), so a reader sees one limit."""
    from seqviz.ui.widgets.bleu import UPLOAD_LIMIT_MB

    at = open_page("pages/5_BLEU.py", lang="zh")
    limits = [element.proto.max_upload_size_mb for element in at.get("file_uploader")]
    assert limits == [UPLOAD_LIMIT_MB, UPLOAD_LIMIT_MB]
    assert f"{UPLOAD_LIMIT_MB} MB" in texts(at)


def test_error_sentences_follow_the_page_language_and_the_cli_keeps_english(monkeypatch):
    from seqviz.data.corpus import load_parallel_corpus
    from seqviz.errors import CorpusError, InputError
    from seqviz.ui import errors, i18n
    from seqviz.ui.errors import error_text
    from seqviz.ui.plain import plain

    def shown(exc, lang):
        monkeypatch.setattr(i18n, "current_language", lambda: lang)
        monkeypatch.setattr(errors, "current_language", lambda: lang)
        return i18n.t("error.title", message=error_text(exc))

    with pytest.raises(CorpusError) as caught:
        load_parallel_corpus(text="hello world\nno tab here")
    english = str(caught.value)
    assert english == 'line 1 has no TAB between source and target: "hello world"'  # the CLI's text
    assert shown(caught.value, "zh") == "无法继续：第 1 行的源文本和目标文本之间没有 TAB：“hello world”"
    assert shown(caught.value, "en") == "Cannot continue: " + plain(english)  # English: the core's sentence
    too_long = InputError("x", code="input.too_long", what="reference", length=2500, limit=2000)
    assert shown(too_long, "zh") == "无法继续：参考译文有 2,500 个字符，上限是 2,000 个"
    big = CorpusError("x", code="file.too_big", name="out*.txt", size_bytes=6_000_001, limit_bytes=5_242_880)
    assert shown(big, "zh") == "无法继续：out\\*\\.txt：文件大小 6,000,001 字节，超过了 5 MB 的上限"
    # an error without a code (or with one the table lacks) is its English message, escaped
    assert error_text(InputError("plain *english*")) == "plain \\*english\\*"
    assert error_text(InputError("plain", code="no.such.code")) == "plain"


def test_error_codes_survive_pickling():
    """A training child process hands its errors back pickled: the code and params come along."""
    import pickle

    from seqviz.errors import InputError, UnknownTaskError

    error = pickle.loads(pickle.dumps(InputError("msg", code="input.empty", what="input")))
    assert (str(error), error.code, error.params) == ("msg", "input.empty", {"what": "input"})
    assert str(UnknownTaskError("unknown task 'x'")) == "unknown task 'x'"


@pytest.mark.parametrize(
    ("query", "reason"),
    [({"max": "3"}, "达到了最大长度"), ({"k": "4"}, "仍在扩展的假设都已不可能超过第 4 好的已完成结果")],
)
def test_beam_stop_reasons_are_chinese(query, reason):
    at = open_page("pages/4_Beam_search.py", lang="zh", ckpt="reverse-lstm-bahdanau", **query)
    assert any(f"停止原因：{reason}。" in caption.value for caption in at.caption), [
        c.value for c in at.caption
    ]
    assert_chinese(at)
