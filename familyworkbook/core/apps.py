from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "familyworkbook.core"
    label = "core"

    def ready(self) -> None:
        from familyworkbook.core.statistics import analyse_after_migrate

        # ANALYZE once per `migrate` (core/statistics.py).
        post_migrate.connect(analyse_after_migrate, dispatch_uid="core.analyse_after_migrate")
