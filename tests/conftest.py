"""What every tier shares. Each tier has its own conftest: ``unit/`` (no Streamlit run), ``pages/``
(Streamlit's AppTest: the page scripts run headless, in this process), ``browser/`` (headless Chromium
against a live server). Helpers shared across files live in ``tests/support/``."""

from __future__ import annotations

import os

# One torch thread in the test process and in every server and process it starts (unless the caller set
# one): the models under test are small, and two threads per process on a 2-core machine, with a server and
# a training process beside the tests (or another job keeping a core busy), spin and wait for each other
# instead of working. Set before anything imports torch, which reads these once.
for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "SEQVIZ_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest  # noqa: E402

from seqviz.settings import SETTINGS  # noqa: E402


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No SEQVIZ_* variable set: each setting at its default (set one with ``clean_env.setenv``)."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    return monkeypatch


@pytest.fixture(scope="session")
def ray_cluster_address():
    """A real Ray cluster on loopback with 2 CPUs (``ray start --head``), one for the whole session: the
    cluster tests of every tier share it (starting one takes seconds). Skipped where Ray is not installed."""
    pytest.importorskip("ray", reason="Ray is installed by `make test` (requirements-cluster.txt)")
    from seqviz.bench.local_cluster import local_ray_cluster
    from seqviz.training.backends.ray_cluster import shutdown_gateway

    with local_ray_cluster(cpus=2) as cluster:
        yield cluster.address
        shutdown_gateway()


# Test files that run alone, after the rest. ``make test`` runs every other file on two pytest-xdist workers,
# one file per worker at a time; these would measure or contend with the other worker:
SOLO_FILES = (
    # a real Ray head each: two at once contend for Ray's fixed ports (its client server's 10001) and CPUs
    "tests/unit/test_ray_cluster.py",
    "tests/pages/test_cluster_pages.py",
    # they time the server against its idle self, or measure what one server can take
    "tests/browser/test_load.py",
    "tests/browser/test_bench_browser.py",
    "tests/browser/test_light_client.py",
    # nginx and two app replicas at once
    "tests/browser/test_replicas.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("::")[0] in SOLO_FILES:
            item.add_marker(pytest.mark.solo)
