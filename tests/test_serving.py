"""Serving in production (issue 15 part 4): two app processes that share nothing but the database.

The settings are read from the environment when the process starts, so the production ones are
read in a fresh interpreter, as a deployment reads them.
"""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.http import HttpResponse
from django.test import RequestFactory

from config.server_timing import ServerTimingMiddleware

GUNICORN_CONF = Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7#Qp2!vL9@mZ4$wR8^tY6&uI3*oP1(aS5)dF0_gH-jK+lZ=cX" * 2,
    "DJANGO_ALLOWED_HOSTS": "workbook.example.gov.uk",
    "DATABASE_URL": "postgres://workbook@db.example.gov.uk:5432/familyworkbook",
    "FWB_FIELD_ENCRYPTION_KEYS": "Q2hhbmdlLW1lLWluLXByb2R1Y3Rpb24tMzItYnl0ZXM=",
    "FWB_BLIND_INDEX_KEY": "a-long-random-blind-index-key-for-the-deploy-check",
}

READ = """
import json
from django.conf import settings
import django
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "conn_max_age": db["CONN_MAX_AGE"],
    "health_checks": db["CONN_HEALTH_CHECKS"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "finders": settings.WHITENOISE_USE_FINDERS,
    "first_middleware": settings.MIDDLEWARE[0],
}))
"""


def production_settings(tmp_path: Path, **extra: str) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("FWB_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(PRODUCTION, FWB_STATIC_ROOT=str(tmp_path / "static"), **extra)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", READ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_shares_the_cache_and_sessions_through_the_database(tmp_path: Path):
    read = production_settings(tmp_path)

    assert read["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert read["sessions"] == "django.contrib.sessions.backends.db"
    assert read["conn_max_age"] == 600 and read["health_checks"] is True
    # No Server-Timing header unless a benchmark asks for it.
    assert read["first_middleware"] == "django.middleware.security.SecurityMiddleware"


def test_collected_static_files_are_served_hashed_and_compressed(tmp_path: Path):
    assert production_settings(tmp_path)["static"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    collected = production_settings(tmp_path, FWB_STATIC_COLLECTED="true")

    assert collected["static"] == "config.storage.StaticFilesStorage"
    assert collected["finders"] is False


def test_the_benchmark_flag_puts_server_timing_first(tmp_path: Path):
    read = production_settings(tmp_path, FWB_SERVER_TIMING="true")

    assert read["first_middleware"] == "config.server_timing.ServerTimingMiddleware"


def test_the_static_storage_collects_govuk_frontend_without_its_source_maps(tmp_path: Path):
    """GOV.UK Frontend's minified CSS names a source map that set-up does not copy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FWB_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        FWB_ALLOW_INSECURE_KEY="true",
        FWB_STATIC_COLLECTED="true",
        FWB_STATIC_ROOT=str(tmp_path / "static"),
    )
    if not (Path(settings.BASE_DIR) / "var" / "frontend" / "govuk").is_dir():
        pytest.skip("GOV.UK Frontend is not built (make setup)")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    css = manifest["paths"]["govuk/govuk-frontend.min.css"]
    assert css != "govuk/govuk-frontend.min.css"
    assert (tmp_path / "static" / f"{css}.br").is_file()
    assert (tmp_path / "static" / f"{css}.gz").is_file()


def test_sign_in_limits_are_kept_in_the_database():
    """Lockouts (django-axes) and the second factor's replay and throttle state (django-otp,
    on the device row) must hold for every app process, not one process's memory."""
    from axes.conf import settings as axes_settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert axes_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    fields = {f.name for f in TOTPDevice._meta.get_fields()}
    assert {"last_t", "throttling_failure_count", "throttling_failure_timestamp"} <= fields


def test_the_cache_is_a_table_every_process_reads(db):
    cache.set("serving-probe", "seen by every process", 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM fwb_cache")
        keys = [row[0] for row in cursor.fetchall()]

    assert any(key.endswith("serving-probe") for key in keys)
    assert cache.get("serving-probe") == "seen by every process"


def test_migrate_creates_the_cache_table_when_it_is_missing(db):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE fwb_cache")
        assert "fwb_cache" not in connection.introspection.table_names()

        sessions = django_apps.get_app_config("sessions")
        post_migrate.send(
            sender=sessions,
            app_config=sessions,
            verbosity=0,
            interactive=False,
            using=connection.alias,
            apps=django_apps,
            plan=[],
        )

        assert "fwb_cache" in connection.introspection.table_names()


def test_server_timing_sums_the_requests_own_sql(db):
    def view(request):
        with connection.cursor() as cursor:
            for _ in range(3):
                cursor.execute("SELECT 1")
        return HttpResponse("ok")

    response = ServerTimingMiddleware(view)(RequestFactory().get("/"))
    timing = response["Server-Timing"]

    assert 'desc="3 queries"' in timing
    assert timing.startswith("db;dur=") and "cpu;dur=" in timing and "app;dur=" in timing


def gunicorn_conf(monkeypatch, **env: str) -> dict:
    for name in ("FWB_WEB_WORKERS", "FWB_WEB_THREADS", "FWB_WEB_TIMEOUT", "FWB_WEB_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_has_one_worker_per_core_with_threads(monkeypatch):
    conf = gunicorn_conf(monkeypatch)

    assert conf["workers"] == len(os.sched_getaffinity(0))
    assert conf["worker_class"] == "gthread" and conf["threads"] == 4
    assert conf["preload_app"] is True
    assert conf["max_requests"] == 1000 and conf["max_requests_jitter"] == 100
    assert conf["control_socket_disable"] is True
    # The access log never holds a query string (a search's is a person's name).
    assert "%(U)s" in conf["access_log_format"] and "%(r)s" not in conf["access_log_format"]
    assert "%(q)s" not in conf["access_log_format"] and "%(f)s" not in conf["access_log_format"]


def test_gunicorn_sizes_can_be_set_and_are_checked(monkeypatch):
    assert gunicorn_conf(monkeypatch, FWB_WEB_WORKERS="3")["workers"] == 3
    with pytest.raises(SystemExit, match="FWB_WEB_THREADS"):
        gunicorn_conf(monkeypatch, FWB_WEB_THREADS="many")


def test_gunicorn_refuses_to_serve_static_files_that_were_not_collected(monkeypatch, tmp_path):
    conf = gunicorn_conf(monkeypatch, FWB_STATIC_COLLECTED="true", FWB_STATIC_ROOT=str(tmp_path))

    with pytest.raises(SystemExit, match="collectstatic"):
        conf["on_starting"](None)
    (tmp_path / "staticfiles.json").write_text("{}")
    conf["on_starting"](None)
