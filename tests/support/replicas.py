"""nginx in front of app replicas, for tests/browser/test_replicas.py: run it, and read from its access log
which replica served what.

nginx runs from a temporary folder with the config that ``seqviz.deploy.nginx`` renders from
deploy/nginx/seqviz.conf (the one a deployment uses), in the foreground, as whoever runs the tests.
"""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from seqviz.bench.app_server import end_process, wait_healthy
from seqviz.deploy.nginx import ACCESS_LOG, COOKIE, ERROR_LOG, Site, nginx_command, write_standalone

# The template's log_format ends with "replica=$upstream_addr key=$seqviz_replica".
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* replica=(?P<replica>\S+) '
                      r"key=(?P<key>\S+)$")  # fmt: skip


@dataclass(frozen=True)
class Proxy:
    url: str  # http://127.0.0.1:PORT
    prefix: Path  # nginx's folder: config, logs, pid

    @property
    def access_log(self) -> Path:
        return self.prefix / ACCESS_LOG


@dataclass(frozen=True)
class Served:
    """One line of the access log."""

    method: str
    path: str
    status: int
    replica: str  # host:port of the replica that answered ("-" when none did)
    key: str  # what the replica was chosen by: the seqviz_replica cookie, else the client's address


@contextmanager
def running_nginx(nginx: str, site: Site, prefix: Path, start_timeout_s: float = 60) -> Iterator[Proxy]:
    """Run nginx with ``site`` from ``prefix`` until the block ends; yields once a health check passes
    through it to a replica. Stopped with SIGTERM (then SIGKILL), its workers with it."""
    config = write_standalone(site, prefix)
    listen = site.listen if ":" in site.listen else f"127.0.0.1:{site.listen}"
    proxy = Proxy(f"http://{listen}", prefix)
    with (prefix / "nginx.out").open("w") as out:
        process = subprocess.Popen(nginx_command(config, nginx), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(proxy.url, process, start_timeout_s, lambda: _nginx_failure(proxy), probe_s=2)
        yield proxy
    finally:
        end_process(process, 15)


def _nginx_failure(proxy: Proxy) -> str:
    logs = [proxy.prefix / name for name in ("nginx.out", ERROR_LOG)]
    text = "\n".join(path.read_text() for path in logs if path.exists())
    return f"nginx did not pass a health check through to a replica:\n{text}"


def served(proxy: Proxy) -> list[Served]:
    """Every request nginx has logged so far (a websocket is logged when it closes)."""
    if not proxy.access_log.exists():
        return []
    lines = proxy.access_log.read_text(encoding="utf-8").splitlines()
    found = [LOG_LINE.search(line) for line in lines]
    return [
        Served(match["method"], match["path"], int(match["status"]), match["replica"], match["key"])
        for match in found
        if match
    ]


def wait_served(proxy: Proxy, key: str, path_part: str, timeout_s: float = 30) -> list[Served]:
    """The logged requests of ``key`` once one whose path contains ``path_part`` is among them (nginx
    writes a line after it answers, so a client can be quicker than the log)."""
    deadline = time.monotonic() + timeout_s
    while True:
        mine = [line for line in served(proxy) if line.key == key]
        if any(path_part in line.path for line in mine):
            return mine
        if time.monotonic() > deadline:
            raise AssertionError(f"nginx logged no {path_part} for key {key}: {mine}")
        time.sleep(0.2)


def key_for_each_replica(proxy: Proxy, replicas: set[str], tries: int = 64) -> dict[str, str]:
    """A ``seqviz_replica`` cookie value that nginx sends to each of ``replicas`` (host:port), found by
    asking: a browser given that cookie is served by that replica, as a student's browser would be."""
    keys = [f"probe-{number}" for number in range(tries)]
    for key in keys:
        request = urllib.request.Request(proxy.url + "/_stcore/health", headers={"Cookie": f"{COOKIE}={key}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    wait_served(proxy, keys[-1], "/_stcore/health")
    chosen: dict[str, str] = {}
    for line in served(proxy):
        if line.key in keys and line.replica in replicas:
            chosen.setdefault(line.replica, line.key)
    assert set(chosen) == replicas, f"{tries} cookie values all went to {set(chosen)}"
    return chosen
