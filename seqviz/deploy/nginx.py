"""nginx in front of N app replicas: ``deploy/nginx/seqviz.conf`` filled in, and a way to run it without root.

Why one renderer: the config a lecturer deploys and the one the browser test runs
(tests/browser/test_replicas.py) must be the same text, or the test proves nothing about the deployment. The
template holds every decision, explained (sticky sessions by cookie, the websocket, upload size); this
module only fills in where the replicas are, where nginx listens and where it logs.

``render_site`` gives the site config (for nginx's ``http`` block, e.g. /etc/nginx/conf.d/seqviz.conf).
``write_standalone`` writes it with a small ``nginx.conf`` of its own, everything under one folder (pid,
logs, temporary files), so that nginx runs as any user without touching /etc: ``nginx_command`` starts it.

    python -m seqviz.deploy.nginx --listen 80 --replica 127.0.0.1:8501 --replica 127.0.0.1:8502
    python -m seqviz.deploy.nginx --listen 8080 --replica 8501 --replica 8502 --standalone /tmp/seqviz-nginx
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from seqviz import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "seqviz.conf"
COOKIE = "seqviz_replica"  # the stickiness cookie the template sets and hashes on
# Streamlit's server.maxUploadSize is 300 MB (.streamlit/config.toml); a multipart form adds a few hundred
# bytes. tests/unit/test_nginx_config.py keeps the two in step.
MAX_BODY_MB = 310
DEFAULT_ACCESS_LOG = "/var/log/nginx/seqviz.access.log"
SITE_FILE = "seqviz.conf"
MAIN_FILE = "nginx.conf"
ACCESS_LOG = "access.log"  # in a standalone folder
ERROR_LOG = "error.log"
TEMP_FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")  # nginx checks all five at startup
# What may stand in an address or a path written into the config: no space, ';', '{', '}', quote or '$'
# (each of which could end the directive and start another).
_ADDRESS = re.compile(r"[A-Za-z0-9_.:\[\]-]+")
_PATH = re.compile(r"[^\s;{}'\"$#]+")


@dataclass(frozen=True)
class Site:
    """Where the replicas are (``host:port`` each) and where nginx listens (anything ``listen`` takes:
    ``8080``, ``127.0.0.1:8080``, ``[::]:80``) and logs."""

    replicas: tuple[str, ...]
    listen: str = "8080"
    access_log: str = DEFAULT_ACCESS_LOG
    max_body_mb: int = MAX_BODY_MB


def replica_address(value: str | int) -> str:
    """``8501`` or ``"8501"`` -> ``"127.0.0.1:8501"``; ``"host:port"`` as given. Refuses anything that is not
    a plain address (it is written into the config)."""
    text = str(value).strip()
    if text.isdigit():
        text = f"127.0.0.1:{text}"
    if not _ADDRESS.fullmatch(text) or ":" not in text:
        raise ValueError(f"{value!r} is not a replica address (PORT or HOST:PORT)")
    return text


def render_site(site: Site, template: Path = TEMPLATE) -> str:
    """The site config: ``template`` with its ``@NAME@`` fields filled in from ``site``."""
    if not site.replicas:
        raise ValueError("nginx needs at least one replica")
    if not _ADDRESS.fullmatch(site.listen):
        raise ValueError(f"{site.listen!r} is not a listen address")
    if not _PATH.fullmatch(site.access_log):
        raise ValueError(f"{site.access_log!r} cannot be written into the config as a path")
    if site.max_body_mb <= 0:
        raise ValueError("the upload limit must be positive")
    servers = "\n".join(f"    server {replica_address(replica)};" for replica in site.replicas)
    fields = {
        "@REPLICAS@": servers,
        "@LISTEN@": site.listen,
        "@MAX_BODY@": f"{site.max_body_mb}m",
        "@ACCESS_LOG@": site.access_log,
    }
    text = template.read_text(encoding="utf-8")
    for field, value in fields.items():
        text = text.replace(field, value)
    left = sorted(set(re.findall(r"@[A-Z_]+@", text)))
    if left:
        raise ValueError(f"{template} has fields this renderer does not fill: {', '.join(left)}")
    return text


def render_standalone(worker_user: str | None = None) -> str:
    """A whole ``nginx.conf`` around the site config, with every path relative to nginx's prefix folder
    (``nginx -p``): the pid file, the error log and the temporary folders, instead of /run and /var.

    ``worker_user``: run the workers as this user. nginx started as root otherwise runs them as ``nobody``,
    who may not enter a private prefix folder (a test's temporary one is mode 0700) for its temporary files.
    """
    user = f"user {worker_user};\n" if worker_user else ""
    temp = "".join(f"    {name}_temp_path temp/{name};\n" for name in TEMP_FOLDERS)
    return (
        "# Written by seqviz.deploy.nginx: nginx run from one folder (nginx -p), by any user.\n"
        f"{user}worker_processes 1;\npid nginx.pid;\nerror_log {ERROR_LOG} warn;\n"
        "events {\n    worker_connections 1024;\n}\n"
        f"http {{\n{temp}    include {SITE_FILE};\n}}\n"
    )


def write_standalone(site: Site, prefix: Path) -> Path:
    """Write ``nginx.conf`` and the site config into ``prefix`` (made if needed, with its temporary
    folders); returns the ``nginx.conf`` path. The site's access log goes into ``prefix`` too when it was
    left at the system default."""
    prefix = Path(prefix).resolve()
    for name in TEMP_FOLDERS:
        (prefix / "temp" / name).mkdir(parents=True, exist_ok=True)
    if site.access_log == DEFAULT_ACCESS_LOG:
        site = Site(site.replicas, site.listen, str(prefix / ACCESS_LOG), site.max_body_mb)
    (prefix / SITE_FILE).write_text(render_site(site), encoding="utf-8")
    main = prefix / MAIN_FILE
    main.write_text(render_standalone(_worker_user()), encoding="utf-8")
    return main


def _worker_user() -> str | None:
    """The current user's name when it is root (see ``render_standalone``), else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    return pwd.getpwuid(0).pw_name


def nginx_command(config: Path, nginx: str = "nginx") -> list[str]:
    """The command that runs ``config`` (from ``write_standalone``) in the foreground, its folder as the
    prefix, until it gets SIGTERM (fast shutdown) or SIGQUIT (graceful)."""
    config = Path(config).resolve()
    return [nginx, "-p", f"{config.parent}/", "-c", str(config), "-g", "daemon off;"]


def find_nginx() -> str | None:
    """nginx on the PATH, else Debian's /usr/sbin/nginx (not on an ordinary user's PATH); None without."""
    found = shutil.which("nginx")
    if found:
        return found
    debian = Path("/usr/sbin/nginx")
    return str(debian) if debian.is_file() and os.access(debian, os.X_OK) else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m seqviz.deploy.nginx",
        description="Print the nginx site config for seqviz replicas (deploy/nginx/seqviz.conf filled in), "
        "or write a standalone nginx folder with --standalone.",
    )
    parser.add_argument(
        "--replica", action="append", required=True, help="PORT or HOST:PORT of one replica; repeat"
    )
    parser.add_argument("--listen", default="8080", help="what nginx listens on (default 8080)")
    parser.add_argument("--access-log", default=DEFAULT_ACCESS_LOG, help="the access log's path")
    parser.add_argument(
        "--standalone", type=Path, help="write nginx.conf and the site config into this folder"
    )
    args = parser.parse_args(argv)
    try:
        site = Site(tuple(replica_address(r) for r in args.replica), args.listen, args.access_log)
        if args.standalone is None:
            sys.stdout.write(render_site(site))
            return 0
        config = write_standalone(site, args.standalone)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(shlex.join(nginx_command(config, find_nginx() or "nginx")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
