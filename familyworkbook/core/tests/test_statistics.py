"""core.statistics: ANALYZE after every bulk load and once per `migrate` run."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from familyworkbook.core import statistics


@pytest.fixture
def calls(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(statistics, "analyse", lambda using="default": seen.append(using))
    return seen


def _send_post_migrate(**kwargs) -> None:
    # As `migrate` sends post_migrate: once per app that has models (to our receiver only,
    # so the other apps' receivers do not run without a database).
    for config in apps.get_app_configs():
        if config.models_module is not None:
            statistics.analyse_after_migrate(config, app_config=config, using="default", **kwargs)


def test_the_receiver_is_connected_to_post_migrate() -> None:
    config = apps.get_app_config("core")
    sync_receivers, _async = post_migrate._live_receivers(config)
    assert statistics.analyse_after_migrate in sync_receivers


def test_migrate_analyses_once_not_once_per_app(calls) -> None:
    _send_post_migrate(plan=[], verbosity=0, interactive=False, apps=apps)
    assert calls == ["default"]


def test_a_flush_between_tests_does_not_analyse(calls) -> None:
    _send_post_migrate(verbosity=0, interactive=False)  # flush sends no plan
    assert calls == []


@pytest.mark.django_db
def test_analyse_gathers_statistics() -> None:
    # Migrations fill the content types: a table with rows on either database.
    assert statistics.analyse(["django_content_type"]) >= 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'django_content_type'")
            assert cursor.fetchone()[0] > 0
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'django_content_type'")
            assert cursor.fetchall(), "ANALYZE wrote no statistics for the table"
