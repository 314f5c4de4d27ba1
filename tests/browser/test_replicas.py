"""A lecture hall's deployment (issue 20): two app replicas behind nginx, in headless Chromium.

Two ``streamlit run app.py`` processes share one ``SEQVIZ_USER_CHECKPOINTS`` folder; nginx runs in front of
them with the config a deployment uses (deploy/nginx/seqviz.conf, rendered by ``seqviz.deploy.nginx``). The
tests check what a class relies on:

- a browser session works through the proxy (the websocket connects, a page draws its chart), and every
  request of that browser, the websocket included, reaches the one replica its cookie picked;
- a checkpoint uploaded through one replica (the upload itself must reach the session's replica) is in
  the other replica's list for the same ``?me=`` key, and that replica loads it and draws with it.

nginx's access log says which replica served each request. Skipped when nginx is not installed (in CI,
where .ci/run installs it, a missing nginx fails).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from seqviz.bench.app_server import free_port, running_app
from seqviz.checkpoints import classroom
from seqviz.checkpoints.archive import checkpoint_zip_bytes
from seqviz.checkpoints.store import save_checkpoint
from seqviz.deploy.nginx import COOKIE, Site, find_nginx
from seqviz.ui.i18n import t
from tests.support.browser import CHARTS, assert_no_exception, tick_labels, wait_idle
from tests.support.checkpoints import small_checkpoint
from tests.support.replicas import Proxy, key_for_each_replica, running_nginx, wait_served

pytestmark = pytest.mark.e2e

NGINX = find_nginx()
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")  # as tests/browser/conftest.py
UPLOADED = "relay"  # the checkpoint a student uploads on one replica and opens on the other
WAIT_MS = 90_000  # a first page on a busy 2-core machine imports torch in each replica


@dataclass(frozen=True)
class Hall:
    proxy: Proxy
    replicas: tuple[str, str]  # host:port of each, as nginx's log names them


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path) -> Iterator[Hall]:
    if NGINX is None:
        reason = "nginx is not installed (apt-get install nginx)"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    env = {
        "SEQVIZ_USER_CHECKPOINTS": str(tmp_path_factory.mktemp("shared_user_checkpoints")),
        "SEQVIZ_DEVICE": "cpu",
    }
    with ExitStack() as stack:
        logs = [artifacts_dir / f"replica-{name}.log" for name in ("a", "b")]
        servers = [stack.enter_context(running_app(log, env)) for log in logs]
        replicas = tuple(urlsplit(server.url).netloc for server in servers)
        site = Site(replicas, listen=f"127.0.0.1:{free_port()}")
        proxy = stack.enter_context(running_nginx(NGINX, site, tmp_path_factory.mktemp("nginx")))
        yield Hall(proxy, (replicas[0], replicas[1]))


def open_attention(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page, t("model.label", lang="en"), timeout=WAIT_MS)
    expect(page.locator(CHARTS).first).to_be_visible(timeout=WAIT_MS)
    page.wait_for_function(
        f"() => document.querySelector(`{CHARTS}`)?.querySelectorAll('.role-axis-label text').length > 3",
        timeout=WAIT_MS,
    )
    assert_no_exception(page)


def test_a_session_through_nginx_keeps_its_replica(
    browser: Browser, browser_context_args: dict, hall: Hall, artifacts_dir: Path
):
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    open_attention(page, f"{hall.proxy.url}/Attention?lang=en&ckpt=reverse-lstm-bahdanau&text=abcdefgh")
    assert tick_labels(page.locator(CHARTS).first, "x") == [*"abcdefgh", "<eos>"]
    page.screenshot(path=artifacts_dir / "replicas-attention.png")
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    context.close()  # nginx logs a websocket when it closes
    assert COOKIE in cookies, "nginx set no stickiness cookie"
    requests = wait_served(hall.proxy, cookies[COOKIE], "/_stcore/stream")
    streams = [line for line in requests if line.path.endswith("/_stcore/stream")]
    assert streams and all(line.status == 101 for line in streams), streams  # the websocket connected
    assert len({line.replica for line in requests}) == 1, requests  # one replica served all of it


def test_a_checkpoint_saved_on_one_replica_opens_on_the_other(
    browser: Browser, browser_context_args: dict, hall: Hall, tmp_path: Path, artifacts_dir: Path
):
    owner = classroom.new_owner_key()
    archive = tmp_path / f"{UPLOADED}.zip"
    archive.write_bytes(checkpoint_zip_bytes(save_checkpoint(small_checkpoint(), tmp_path / UPLOADED)))
    keys = key_for_each_replica(hall.proxy, set(hall.replicas))
    saver, opener = hall.replicas

    # On the first replica: the Train page installs the upload among this key's own checkpoints.
    context = pinned_context(browser, browser_context_args, hall.proxy, keys[saver])
    page = context.new_page()
    page.goto(f"{hall.proxy.url}/Train?lang=en&me={owner}")
    wait_idle(page, t("train.start_from", lang="en"), timeout=WAIT_MS)
    page.get_by_test_id("stRadio").get_by_text(t("train.start_from.checkpoint", lang="en")).click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=t("train.checkpoint_upload", lang="en"))
    uploader.locator('input[type="file"]').set_input_files(archive)
    installed = t("train.checkpoint_uploaded", lang="en", name=UPLOADED)
    expect(page.get_by_text(installed)).to_be_visible(timeout=WAIT_MS)
    assert_no_exception(page)
    context.close()
    saved = wait_served(hall.proxy, keys[saver], "/_stcore/stream")
    assert {line.replica for line in saved} == {saver}, saved
    assert any(line.method == "PUT" and "/_stcore/upload_file/" in line.path for line in saved), saved

    # On the other replica, the same key: the checkpoint is listed as the student's own, and drawn with.
    context = pinned_context(browser, browser_context_args, hall.proxy, keys[opener])
    page = context.new_page()
    open_attention(page, f"{hall.proxy.url}/Attention?lang=en&me={owner}&ckpt={UPLOADED}&text=abcd")
    picker = page.get_by_role("combobox", name=t("model.label", lang="en")).first
    expect(picker).to_have_value(t("model.option_user", lang="en", name=UPLOADED, task="reverse"))
    assert tick_labels(page.locator(CHARTS).first, "x") == [*"abcd", "<eos>"]
    not_here = t("model.missing", lang="en", name="\0", fallback="\0").split("\0")[1].strip()
    expect(page.get_by_text(not_here)).to_have_count(0)  # "… from the link is not here; showing …"
    page.screenshot(path=artifacts_dir / "replicas-other-replica.png")
    context.close()
    opened = wait_served(hall.proxy, keys[opener], "/_stcore/stream")
    assert {line.replica for line in opened} == {opener}, opened


def pinned_context(browser: Browser, context_args: dict, proxy: Proxy, key: str):
    """A fresh browser whose stickiness cookie is ``key``: nginx sends all of its requests to one replica."""
    context = browser.new_context(**context_args)
    context.set_default_timeout(WAIT_MS)  # clicks and uploads wait for a busy replica's rerun
    context.add_cookies([{"name": COOKIE, "value": key, "url": proxy.url}])
    return context
