"""The home page under Streamlit's AppTest: both languages, the switches, the model picker, the device."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.ui import PAGES, common
from seqviz.ui.i18n import t
from seqviz.ui.plain import plain

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@dataclass(frozen=True)
class FakeInfo:
    """Shaped like ``seqviz.checkpoints.store.CheckpointInfo``."""

    name: str
    path: Path
    kind: str
    task: str
    summary: str
    metrics: dict[str, float] = field(default_factory=dict)
    origin: str = "shipped"


FAKES = [
    FakeInfo(
        "reverse-gru",
        Path("/ck/reverse-gru"),
        "seq2seq",
        "reverse",
        "GRU 1x128, Bahdanau",
        {"exact_match": 0.97, "bleu": 91.25},
    ),
    FakeInfo("parens-lstm", Path("/ck/parens-lstm"), "language_model", "parens", "LSTM 1x64", {}),
]


@pytest.fixture
def empty_checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv("SEQVIZ_CHECKPOINTS", str(tmp_path))
    return tmp_path


@pytest.fixture
def fake_checkpoints(monkeypatch):
    monkeypatch.setattr(common, "_list_checkpoints", lambda: list(FAKES))
    return FAKES


def run_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(query)
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_runs_in_both_languages(lang, empty_checkpoints):
    at = run_app(lang=lang)
    assert not at.exception
    assert at.title[0].value == t("home.title", lang=lang)
    assert t("home.intro", lang=lang) in texts(at)
    assert at.session_state["lang"] == lang
    assert at.query_params["lang"] == lang
    for page in PAGES:  # every page has its card
        assert f"{page.icon} {t(page.title_key, lang=lang)}" in texts(at)


def test_the_router_serves_every_page_at_its_old_address():
    """``st.navigation`` replaced Streamlit's discovery of ``pages/``; bookmarks made before keep working:
    each page's URL path is the one the legacy discovery derived from its file name, and every file in
    ``pages/`` is routed."""
    from streamlit.source_util import page_icon_and_name

    for page in PAGES:
        assert (ROOT / page.path).is_file()
        assert page.url_path == page_icon_and_name(Path(page.path))[1]
    assert sorted(page.path for page in PAGES) == sorted(
        f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")
    )
    assert "/Beam_search" in {"/" + page.url_path for page in PAGES}


def test_unknown_language_in_url_falls_back_to_english(empty_checkpoints):
    at = run_app(lang="fr")
    assert not at.exception
    assert at.title[0].value == t("home.title", lang="en")
    assert at.query_params["lang"] == "en"


def test_language_switch_changes_title_and_url(empty_checkpoints):
    at = run_app()
    assert at.title[0].value == "seqviz: watch sequence models think"
    at.radio(key="_ui.lang_widget").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "seqviz：看序列模型如何思考"
    assert at.session_state["lang"] == "zh"
    assert at.query_params["lang"] == "zh"
    assert at.toggle(key="_ui.present_widget").label == "演示模式"
    at.run()  # the choice holds on the next run
    assert at.title[0].value == "seqviz：看序列模型如何思考"
    at.radio(key="_ui.lang_widget").set_value("en").run()
    assert at.title[0].value == "seqviz: watch sequence models think"


def test_presentation_mode_toggle(empty_checkpoints):
    at = run_app()
    assert not at.session_state["ui.present"]
    assert "present" not in at.query_params
    assert not any('[data-testid="stSidebar"]' in e.value for e in at.get("html"))  # only the label CSS
    at.toggle(key="_ui.present_widget").set_value(True).run()
    assert not at.exception
    assert at.session_state["ui.present"]
    assert at.query_params["present"] == "1"
    assert any('[data-testid="stSidebar"]' in e.value for e in at.get("html"))  # the CSS that hides it
    exit_button = at.button(key="_ui.present_exit")
    assert exit_button.label == t("present.exit", lang="en")
    exit_button.click().run()
    assert not at.session_state["ui.present"]
    assert "present" not in at.query_params
    assert not any('[data-testid="stSidebar"]' in e.value for e in at.get("html"))


def test_presentation_mode_from_url(empty_checkpoints):
    at = run_app(lang="zh", present="1")
    assert not at.exception
    assert at.session_state["ui.present"]
    assert at.toggle(key="_ui.present_widget").value is True
    assert at.button(key="_ui.present_exit").label == "退出演示模式"
    # the sidebar is hidden, so the language switch sits in the main area, beside the exit button
    language = at.radio(key="_ui.lang_widget")
    assert all(radio.key != "_ui.lang_widget" for radio in at.sidebar.radio)
    language.set_value("en").run()
    assert at.button(key="_ui.present_exit").label == "Exit presentation mode"
    assert at.query_params["lang"] == "en" and at.query_params["present"] == "1"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_model_picker_with_no_checkpoint_says_so_kindly(lang, empty_checkpoints):
    at = run_app(lang=lang)
    assert not at.exception
    assert [i.value for i in at.info] == [t("model.none", lang=lang)]
    assert not at.warning  # the real seqviz.checkpoints.store listed the empty folder
    assert not at.selectbox
    assert at.session_state["model.checkpoint"] == ""  # bound, but nothing chosen
    assert "ckpt" not in at.query_params


def test_model_picker_lists_checkpoints_and_keeps_the_choice(fake_checkpoints):
    at = run_app()
    assert not at.exception
    picker = at.selectbox(key="_model.checkpoint_widget")
    assert picker.options == ["reverse-gru · reverse", "parens-lstm · parens"]
    assert at.session_state["model.checkpoint"] == "reverse-gru"
    assert at.query_params["ckpt"] == "reverse-gru"
    # one scale per kind: a fraction as a percentage beside BLEU's 0-100, no server path
    assert {m.label: m.value for m in at.metric} == {"BLEU": "91.2", "exact match": "97.0 %"}
    assert "Shipped with seqviz." in texts(at) and "/" not in "".join(c.value for c in at.caption)
    picker.set_value("parens-lstm").run()
    assert at.session_state["model.checkpoint"] == "parens-lstm"
    assert at.query_params["ckpt"] == "parens-lstm"
    assert "language model" in texts(at)
    assert not at.metric


def test_model_picker_takes_the_checkpoint_from_the_url(fake_checkpoints):
    at = run_app(ckpt="parens-lstm", lang="zh")
    assert at.selectbox(key="_model.checkpoint_widget").value == "parens-lstm"
    assert "语言模型" in texts(at)
    assert not at.warning


def test_model_picker_explains_a_stale_link(fake_checkpoints):
    at = run_app(ckpt="deleted-model")
    assert not at.exception
    # the names are shown as plain text (markdown-escaped: "deleted\-model" reads "deleted-model")
    expected = t("model.missing", name=plain("deleted-model"), fallback=plain("reverse-gru"))
    assert [w.value for w in at.warning] == [expected]
    assert at.query_params["ckpt"] == "reverse-gru"
    at.run()  # once corrected, the warning is gone
    assert not at.warning


def test_device_panel_shows_where_models_run(empty_checkpoints):
    probe = common.device_probe()
    assert probe.done.wait(60), "device detection did not finish"
    at = run_app()
    assert not at.exception
    assert probe.error is None
    assert probe.facts is not None and probe.facts.kind in probe.available
    assert f"Models run on: **{plain(common.device_text(probe.facts))}**" in texts(at)
    assert "Available here: cpu" in texts(at)
    assert t("device.detecting", lang="en") not in texts(at)


def test_device_panel_speaks_chinese(empty_checkpoints):
    probe = common.device_probe()
    assert probe.done.wait(60), "device detection did not finish"
    at = run_app(lang="zh")
    assert not at.exception
    shown = texts(at)
    assert "模型运行在：" in shown and "threads" not in shown
    if probe.facts.kind == "cpu":
        assert f"{probe.facts.threads} 个线程" in shown


def test_device_text_in_both_languages():
    from seqviz.device import DeviceFacts

    assert common.device_text(DeviceFacts("cpu", threads=2)) == "CPU (2 threads)"
    assert t("device.cpu", lang="zh", threads=2) == "CPU（2 个线程）"
    assert t("device.cuda", lang="zh", name="NVIDIA H200") == "CUDA 显卡：NVIDIA H200"


def test_show_error_and_user_errors():
    def page():
        import streamlit as st

        from seqviz.errors import InputError
        from seqviz.ui import show_error, user_errors

        st.session_state["lang"] = "zh"
        show_error(InputError("the text is empty"))
        with user_errors():
            raise InputError("too long: 501 characters, the limit is 500")
        st.write("the page goes on")

    at = AppTest.from_function(page, default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "无法继续：the text is empty",
        "无法继续：too long\\: 501 characters, the limit is 500",  # user text is shown escaped
    ]
    assert at.markdown[-1].value == "the page goes on"


def test_show_error_keeps_the_traceback_of_a_bug():
    def page():
        from seqviz.ui import show_error

        show_error(RuntimeError("boom"))

    at = AppTest.from_function(page, default_timeout=30).run()
    assert at.error[0].value == t("error.unexpected", lang="en")
    assert at.exception[0].message == "boom"


def test_ui_package_does_not_import_torch():
    # The home page must render before torch is loaded; the device panel imports it in the background.
    code = "import sys, seqviz.ui; assert 'torch' not in sys.modules, 'seqviz.ui imported torch'"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
