"""A bad SEQVIZ_* setting on the page: one plain message, and the page stops."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_says_a_bad_setting_on_the_page(clean_env):
    from streamlit.testing.v1 import AppTest

    clean_env.setenv("SEQVIZ_POLL_SECONDS", "soon")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    from seqviz.ui.i18n import t
    from seqviz.ui.plain import plain

    said = plain("SEQVIZ_POLL_SECONDS takes a number of seconds above 0, not 'soon'")  # as plain text
    assert [e.value for e in at.error] == [t("error.title", message=said)]
    assert not at.title  # the page stops there
