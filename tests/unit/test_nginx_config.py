"""The nginx config for app replicas (``seqviz.deploy.nginx``): filled in completely, refusing anything
that could inject a directive, admitting the largest upload Streamlit does, and accepted by ``nginx -t``
where nginx is installed. The config at work, in front of two real replicas: tests/browser/test_replicas.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import tomllib

from seqviz.deploy import nginx
from seqviz.deploy.nginx import Site, render_site, replica_address, write_standalone

ROOT = Path(__file__).resolve().parents[2]


def test_the_site_names_every_replica_and_leaves_no_field_unfilled():
    text = render_site(Site(("127.0.0.1:8501", "10.0.0.2:8502"), listen="[::]:80", access_log="/tmp/a.log"))
    assert "    server 127.0.0.1:8501;\n    server 10.0.0.2:8502;\n" in text
    assert "listen [::]:80;" in text and "access_log /tmp/a.log seqviz;" in text
    assert f"client_max_body_size {nginx.MAX_BODY_MB}m;" in text
    assert "@" not in text.replace("@ signs", "")  # every field filled in
    assert "hash $seqviz_replica consistent;" in text and f"$cookie_{nginx.COOKIE}" in text


@pytest.mark.parametrize(
    "bad", ["8501; include /etc/passwd", "host", "127.0.0.1:8501\n}", "a b:1", "$host:1", ""]
)
def test_an_address_that_could_inject_a_directive_is_refused(bad):
    with pytest.raises(ValueError):
        replica_address(bad)


def test_listen_and_log_path_are_checked_too():
    with pytest.raises(ValueError):
        render_site(Site(("8501",), listen="80; user root"))
    with pytest.raises(ValueError):
        render_site(Site(("8501",), access_log="/tmp/x.log; error_log /etc/x"))
    with pytest.raises(ValueError):
        render_site(Site(()))
    assert replica_address(8501) == replica_address("8501") == "127.0.0.1:8501"


def test_nginx_admits_the_largest_upload_streamlit_accepts():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] < nginx.MAX_BODY_MB  # the rest: the form's own bytes


def test_the_standalone_config_passes_nginx_t(tmp_path):
    binary = nginx.find_nginx()
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    config = write_standalone(Site(("8501", "8502"), listen="127.0.0.1:18080"), tmp_path / "nginx")
    assert (tmp_path / "nginx" / "access.log").parent.is_dir()
    command = nginx.nginx_command(config, binary)
    result = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_command_line_prints_the_site(capsys):
    assert nginx.main(["--replica", "8501", "--replica", "127.0.0.1:8502", "--listen", "8080"]) == 0
    assert "server 127.0.0.1:8502;" in capsys.readouterr().out
    assert nginx.main(["--replica", "8501; evil"]) == 2
