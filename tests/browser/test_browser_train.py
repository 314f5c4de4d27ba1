"""The Train page in headless Chromium: a run starts, its loss curve grows between two screenshots, it
stops and is saved. Screenshots: test-artifacts/train-running-1.png, train-running-2.png, train-saved.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import assert_no_exception, chart, wait_for_free_server, wait_idle

pytestmark = pytest.mark.e2e

STEP = re.compile(r"step ([\d,]+)")


def current_step(page: Page) -> int:
    text = page.locator('[data-testid="stProgress"]').first.inner_text()
    match = STEP.search(text)
    return int(match.group(1).replace(",", "")) if match else -1


def test_live_curve_grows_then_stop_and_save(page: Page, app_url: str, artifacts_dir) -> None:
    # A run started by an earlier test (in any order) may still hold the server's one slot for its grace
    # period; this run would then queue and show no progress bar (a CI failure seen once).
    wait_for_free_server(page, app_url)
    assert_no_exception(page)
    steps = page.get_by_label("Updates", exact=True)
    steps.fill("100000")
    steps.press("Enter")
    page.wait_for_timeout(1500)  # Enter only confirms the value: the run starts from the button alone
    expect(page.get_by_text("No run yet").first).to_be_visible()
    page.get_by_role("button", name="Start training").click()
    progress = page.locator('[data-testid="stProgress"]').first
    expect(progress).to_be_visible(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= 2", timeout=60_000
    )
    page.wait_for_function(
        """() => { const p = document.querySelector('[data-testid="stProgress"]');
                   const m = p && p.innerText.match(/step ([\\d,]+)/);
                   return m && parseInt(m[1].replace(/,/g, '')) >= 20; }""",
        timeout=90_000,
    )
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    first_step = current_step(page)
    first_image = chart.screenshot()
    page.screenshot(path=artifacts_dir / "train-running-1.png")
    page.wait_for_function(
        f"""() => {{ const p = document.querySelector('[data-testid="stProgress"]');
                    const m = p && p.innerText.match(/step ([\\d,]+)/);
                    return m && parseInt(m[1].replace(/,/g, '')) >= {first_step + 40}; }}""",
        timeout=90_000,
    )
    page.wait_for_timeout(1200)  # at least two polls: the chart has redrawn with the new points
    second_image = chart.screenshot()
    page.screenshot(path=artifacts_dir / "train-running-2.png")
    assert current_step(page) > first_step
    assert second_image != first_image, "the loss curve did not change while training went on"
    assert_no_exception(page)

    # The main area's Stop, not the header's "Stop" that Streamlit shows while a script run is under way.
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop").click()
    expect(page.get_by_text("Stopped at update").first).to_be_visible(timeout=60_000)
    name = page.get_by_label("Checkpoint name")
    name.fill("browser-run")
    name.press("Enter")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as “browser-run”").first).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Download as .zip")).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "train-saved.png")


def test_closing_the_tab_stops_its_training(page: Page, app_url: str) -> None:
    """The server's slot caption counts running jobs: one while the tab trains, none soon after it closes
    (the test server's grace period is 2 s)."""
    wait_for_free_server(page, app_url)
    steps = page.get_by_label("Updates", exact=True)
    steps.fill("100000")
    steps.press("Enter")
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text(re.compile(r"Server: 1 of \d+ training slots busy")).first).to_be_visible(
        timeout=60_000
    )
    other = page.context.new_page()
    page.close()
    wait_for_free_server(other, app_url)
    other.close()


def test_train_page_in_chinese(page: Page, app_url: str, artifacts_dir) -> None:
    wait_for_free_server(page, app_url)
    page.goto(f"{app_url}/Train?lang=zh")
    wait_idle(page, "开始训练")
    steps = page.get_by_label("更新步数", exact=True)
    steps.fill("40")
    steps.press("Enter")
    page.get_by_role("button", name="开始训练").click()
    expect(page.get_by_text("完成：全部 40 步已训练完。").first).to_be_visible(timeout=90_000)
    expect(page.get_by_text("保存这个模型")).to_be_visible()
    probe = chart(page, "注意力：每个输出词元")  # the probe's heatmap, titled in Chinese
    expect(probe).to_be_visible(timeout=30_000)
    assert probe.locator(".role-axis-label text").count() > 0
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "train-zh.png")
