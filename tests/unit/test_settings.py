"""Every SEQVIZ_* variable read in one place: defaults, one clear error for a bad value, said at start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from seqviz import settings
from seqviz.settings import SettingsError, check_settings

ROOT = Path(__file__).resolve().parents[2]
BAD = {
    "SEQVIZ_DEVICE": "gpu",
    "SEQVIZ_THREADS": "-1",
    "SEQVIZ_MAX_JOBS": "0",
    "SEQVIZ_JOB_THREADS": "two",
    "SEQVIZ_OWNER_GRACE_S": "nan",
    "SEQVIZ_POLL_SECONDS": "0",
}


def test_defaults_without_any_variable(clean_env):
    check_settings()
    assert settings.device_preference() == "auto" and settings.cpu_threads() == 0
    assert settings.max_jobs() is None and settings.job_threads() == 1
    assert settings.owner_grace_seconds() == 15.0 and settings.poll_seconds() == 1.0
    assert settings.checkpoints_folder(Path("x")) == Path("x") and not settings.debug()


def test_good_values_are_read_each_time_they_are_asked_for(clean_env):
    clean_env.setenv("SEQVIZ_DEVICE", " CPU ")
    clean_env.setenv("SEQVIZ_MAX_JOBS", "3")
    clean_env.setenv("SEQVIZ_OWNER_GRACE_S", "2.5")
    assert settings.device_preference() == "cpu" and settings.max_jobs() == 3
    assert settings.owner_grace_seconds() == 2.5
    clean_env.setenv("SEQVIZ_MAX_JOBS", "5")
    assert settings.max_jobs() == 5


@pytest.mark.parametrize(("name", "value"), sorted(BAD.items()))
def test_a_bad_value_is_one_error_naming_the_variable(clean_env, name, value):
    clean_env.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        check_settings()
    message = str(caught.value)
    assert message.startswith(f"{name} takes ") and repr(value) in message


def test_the_cli_says_a_bad_setting_in_one_line_before_any_work(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SEQVIZ_MAX_JOBS": "many", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "seqviz", "tasks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "seqviz: error: SEQVIZ_MAX_JOBS takes a whole number from 1, not 'many'"
    ]
    assert "Traceback" not in done.stderr
