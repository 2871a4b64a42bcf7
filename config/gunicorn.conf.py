# ruff: noqa: N999 - gunicorn reads a file by this conventional name
"""Gunicorn's settings for Family Workbook in production (README: "Running in production").

    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py collectstatic --no-input
    FWB_STATIC_COLLECTED=true .venv/bin/gunicorn -c config/gunicorn.conf.py

Sized for the machine it runs on: one worker process per core, each with threads (gthread)
that wait on PostgreSQL while another thread uses the core. Every value can be changed by an
environment variable below, or by gunicorn's own flags after `-c`, which win (e.g. `--bind`).
A second app server runs the same command; they share nothing but PostgreSQL
(docs/decisions/serving-gunicorn-two-processes.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def cores() -> int:
    """The cores this process may use (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
chdir = str(ROOT)
bind = [os.environ.get("FWB_BIND", "127.0.0.1:8000")]

worker_class = "gthread"
workers = _int("FWB_WEB_WORKERS", cores())
threads = _int("FWB_WEB_THREADS", 4)
# A request that takes longer than this is killed: long work belongs in a background task.
timeout = _int("FWB_WEB_TIMEOUT", 60)
graceful_timeout = 30
# Idle keep-alive connections are held by the worker's poller, not a thread, so they are cheap;
# longer than a proxy's or a browser's idle timeout (60 s for nginx and most load balancers),
# so the client, not gunicorn, closes them and no request is sent on a socket being closed.
keepalive = _int("FWB_WEB_KEEPALIVE", 75)
# Recycle each worker after about a thousand requests, not all at once.
max_requests = _int("FWB_WEB_MAX_REQUESTS", 1000)
max_requests_jitter = max(1, max_requests // 10)
# Load Django once in the master (faster restarts, shared memory); each worker then opens its
# own database connections (post_fork below).
preload_app = True
# The workers' heartbeat files in memory, not on a disk that may stall (gunicorn's advice).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108

# The access log: the path without its query string (a search's query is a person's name),
# status, bytes, milliseconds and the worker. No referrer, no user agent.
accesslog = os.environ.get("FWB_ACCESS_LOG", "-") or None
access_log_format = '%(t)s %(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms pid=%(p)s'
errorlog = "-"
loglevel = os.environ.get("FWB_GUNICORN_LOG_LEVEL", "info")
# Gunicorn 24+ opens a control socket for `gunicornc` at one path per user
# (~/.gunicorn/gunicorn.ctl): two servers on one host would take it from each other, and
# nothing here uses it. Restarts and reloads go through signals (HUP, TERM) as before.
control_socket_disable = True
# Behind the council's TLS proxy (FWB_BEHIND_TLS_PROXY=true), trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FWB_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server: object) -> None:
    static_root = Path(os.environ.get("FWB_STATIC_ROOT", ROOT / "var" / "static"))
    collected = os.environ.get("FWB_STATIC_COLLECTED", "").lower() in {"true", "1"}
    if collected and not (static_root / "staticfiles.json").is_file():
        raise SystemExit(
            f"FWB_STATIC_COLLECTED=true but {static_root} holds no staticfiles.json: "
            "run `manage.py collectstatic --no-input` first."
        )


def post_fork(server: object, worker: object) -> None:
    # Never share a connection the master may have opened while loading the app.
    from django.db import connections

    connections.close_all()
