"""What every tier shares. Each tier has its own conftest: ``unit/`` (no Streamlit run), ``pages/``
(Streamlit's AppTest: the page scripts run headless, in this process), ``browser/`` (headless Chromium
against a live server). Helpers shared across files live in ``tests/support/``."""

from __future__ import annotations

import pytest

from seqviz.settings import SETTINGS


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No SEQVIZ_* variable set: each setting at its default (set one with ``clean_env.setenv``)."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    return monkeypatch
