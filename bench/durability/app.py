"""The application the drills run: a snapshot of the committed code, migrated into a cluster.

The drills run for many minutes in a working tree that other people edit at the same time,
so they run a copy of one commit (`git archive`, read-only for the repository) under
`var/drills/app-<commit>/`, with the project's virtual environment. The report names the
commit, so a figure always says which code it came from. `--source .` runs the working tree
instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

from cluster import DRILLS, ROOT, Cluster, run

PYTHON = Path(os.environ.get("FWB_DRILL_PYTHON", ROOT / ".venv" / "bin" / "python"))
GUNICORN = PYTHON.parent / "gunicorn"


def snapshot(source: str = "HEAD") -> Path:
    """A copy of the committed tree at `source` (a commit), or the working tree for '.'."""
    if source == ".":
        return ROOT
    commit = run(["git", "-C", str(ROOT), "rev-parse", "--short=10", source]).stdout.strip()
    target = DRILLS / f"app-{commit}"
    if (target / "manage.py").exists():
        return target
    archive = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    # GOV.UK Frontend is built into var/ (never committed); pages need it to render.
    (target / "var").mkdir(exist_ok=True)
    frontend = ROOT / "var" / "frontend"
    if frontend.exists() and not (target / "var" / "frontend").exists():
        (target / "var" / "frontend").symlink_to(frontend)
    return target


def app_env(app: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "FWB_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        FWB_ALLOW_INSECURE_KEY="true",
        FWB_SECURE_COOKIES="false",
        FWB_SSL_REDIRECT="false",
        FWB_TASKS_IMMEDIATE="true",
        # Many writers sign in from one address: the lockout must not trip on a retry.
        FWB_SIGN_IN_ATTEMPTS="1000",
        PYTHONPATH=str(app),
        **extra,
    )
    return env


def manage(app: Path, database_url: str, *args: str, timeout: int = 1800) -> str:
    done = subprocess.run(  # noqa: S603
        [str(PYTHON), str(app / "manage.py"), *args],
        cwd=app,
        env=app_env(app, database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def build_county(
    cluster: Cluster, app: Path, *, families: int, database: str = "familyworkbook"
) -> str:
    """Create, migrate and seed the demo county in `cluster`; return its URL."""
    cluster.psql(f"CREATE DATABASE {database}")
    url = cluster.url(database)
    manage(app, url, "migrate", "-v0")
    manage(app, url, "seed_demo", "--families", str(families), "--quiet")
    return url


def in_process(app: Path, database_url: str) -> None:
    """Set Django up in this process against `database_url`, importing the snapshot's code."""
    for key, value in app_env(app, database_url).items():
        if key != "PATH":
            os.environ[key] = value
    sys.path.insert(0, str(app))
    import django

    django.setup()
