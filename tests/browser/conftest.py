"""The browser tier's fixtures: the system Chromium for Playwright, and one live ``streamlit run app.py``
per session.

Browser tests carry ``@pytest.mark.e2e``. Without Chromium they are skipped with the reason, except when
``CI=true``: there a missing browser is a broken build and the tests fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from seqviz.bench.app_server import running_app
from seqviz.bench.chromium import CHROMIUM_FLAGS as BROWSER_FLAGS
from seqviz.bench.chromium import chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = chromium_path()
CHROMIUM_FLAGS = list(BROWSER_FLAGS)
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def chromium_missing_reason() -> str | None:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk, or set CHROMIUM_PATH)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = chromium_missing_reason()
    if reason is None or IN_CI:
        return  # in CI, browser_type_launch_args below fails these tests instead
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch arguments, pointed at Debian's Chromium (no ``playwright install``)."""
    reason = chromium_missing_reason()
    if reason is not None:  # only reached with CI=true; elsewhere the e2e tests were skipped
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # Streamlit's main area scrolls inside its own container, so full-page screenshots need a tall viewport.
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1500}}


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app on a free local port for the whole session; yields its URL.

    Checkpoints the browser tests save go to a temporary folder, never into the working tree; the server's
    output is kept in test-artifacts/streamlit-server[-<xdist worker>].log for a failed run's post-mortem."""
    env = {
        "SEQVIZ_USER_CHECKPOINTS": str(tmp_path_factory.mktemp("user_checkpoints")),
        "SEQVIZ_DEVICE": "cpu",
        "SEQVIZ_OWNER_GRACE_S": "2",  # a closed tab's job stops within seconds
    }
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # each xdist worker has its own server, and log
    log = ARTIFACTS / (f"streamlit-server-{worker}.log" if worker else "streamlit-server.log")
    with running_app(log, env) as server:
        yield server.url
