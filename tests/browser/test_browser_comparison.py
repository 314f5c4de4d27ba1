"""The RNN vs Transformer page in headless Chromium, in English and Chinese: the shipped pair's table and its
exact-match-by-length chart are drawn before anything trains. Screenshots:
test-artifacts/rnn-vs-transformer-en.png and rnn-vs-transformer-zh.png.

The page reads a checkpoint folder of this test's own: the shipped RNN, and the shipped
``reverse-transformer`` where the repository has it, else a Transformer trained here for 20 updates.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from seqviz.bench.app_server import running_app
from seqviz.checkpoints.store import save_checkpoint
from seqviz.data.tasks import get_task
from seqviz.training.race import TRANSFORMER, recipes
from seqviz.training.workflows import train_task
from seqviz.ui.i18n import t
from tests.support.browser import CJK, assert_no_exception, chart, wait_idle

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "checkpoints"
PAIR = ("reverse-lstm-bahdanau", "reverse-transformer")


def pair_folder(root: Path) -> Path:
    for name in PAIR:
        if (SHIPPED / name / "config.json").is_file():
            shutil.copytree(SHIPPED / name, root / name)
    if not (root / PAIR[1]).is_dir():
        recipe = recipes()[TRANSFORMER]
        config = recipe.train_config(120.0, steps=20, eval_every=10, eval_size=50)
        checkpoint, _, _ = train_task(get_task("reverse"), recipe.choice, config)
        save_checkpoint(checkpoint, root / PAIR[1])
    return root


@pytest.fixture(scope="module")
def comparison_url(tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path) -> Iterator[str]:
    env = {
        "SEQVIZ_CHECKPOINTS": str(pair_folder(tmp_path_factory.mktemp("checkpoints"))),
        "SEQVIZ_USER_CHECKPOINTS": str(tmp_path_factory.mktemp("user_checkpoints")),
        "SEQVIZ_DEVICE": "cpu",
    }
    with running_app(artifacts_dir / "streamlit-server-comparison.log", env) as server:
        yield server.url


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_shipped_table_and_chart_in_both_languages(
    page: Page, comparison_url: str, artifacts_dir: Path, lang: str
) -> None:
    page.goto(f"{comparison_url}/RNN_vs_Transformer?lang={lang}")
    header = t("comparison.shipped_header", lang=lang, rnn=PAIR[0], transformer=PAIR[1])
    wait_idle(page, header, timeout=120_000)
    assert_no_exception(page)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1, timeout=60_000)
    figure = chart(page, t("comparison.length_chart", lang=lang))
    expect(figure).to_be_visible(timeout=60_000)
    # two lines of markers drawn (RNN and Transformer), not an empty frame
    expect(figure.locator("g.scatterlayer g.trace")).to_have_count(2)
    assert figure.locator("g.scatterlayer path.js-line").count() == 2
    legend = figure.locator("g.legend text").all_text_contents()
    assert legend == [t("comparison.col.rnn", lang=lang), t("comparison.col.transformer", lang=lang)]
    expect(page.get_by_role("button", name=t("comparison.train_both", lang=lang))).to_be_enabled()
    if lang == "zh":
        title = page.locator("h1").first.inner_text()
        assert CJK.search(title), title
    page.wait_for_timeout(500)  # the data grid's canvas paints after the element appears
    page.screenshot(path=artifacts_dir / f"rnn-vs-transformer-{lang}.png", full_page=True)
