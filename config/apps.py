"""The project package as an app, for what serving needs from `migrate`.

Sessions and the cache are shared by every app process through the database
(docs/decisions/serving-gunicorn-two-processes.md). Sessions have a migration; the cache's
table does not, so `migrate` creates it here, after every run: `createcachetable` makes only
the tables that are missing, so running it again costs one look at the catalogue.
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(*, using: str = "default", **_: Any) -> None:
    call_command("createcachetable", database=using, verbosity=0)


class ServingConfig(AppConfig):
    name = "config"
    label = "serving"
    verbose_name = "Serving"

    def ready(self) -> None:
        # post_migrate is sent once per app that has models, and this package has none: listen
        # for the sessions app's signal, the table the cache table stands beside.
        post_migrate.connect(
            create_cache_table,
            sender=apps.get_app_config("sessions"),
            dispatch_uid="serving.create_cache_table",
        )
