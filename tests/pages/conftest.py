"""The page tier's fixtures: pages run under Streamlit's AppTest, headless, in this process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import open_page


@pytest.fixture
def visit(request: pytest.FixtureRequest) -> Callable[..., AppTest]:
    """Open the test module's ``PAGE`` (``"pages/2_Attention.py"``) as a bookmarked link does, its query
    given as keywords: ``visit(text="abc", lang="zh")``. Asserts that the first run raised nothing."""
    page = request.module.PAGE
    return lambda **query: open_page(page, **query)
