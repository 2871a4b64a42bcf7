from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "familyworkbook.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals
        from django.db.models.signals import post_migrate

        from familyworkbook.audit import signals

        auth_signals.user_logged_in.connect(signals.signed_in, dispatch_uid="audit.signed_in")
        auth_signals.user_logged_out.connect(signals.signed_out, dispatch_uid="audit.signed_out")
        auth_signals.user_login_failed.connect(
            signals.sign_in_failed, dispatch_uid="audit.sign_in_failed"
        )
        post_migrate.connect(_ensure_guards, sender=self, dispatch_uid="audit.ensure_guards")


def _ensure_guards(sender: Any, using: str, **kwargs: Any) -> None:
    """Put back guard triggers a SQLite table rebuild dropped (see guards.py)."""
    from django.db import connections

    from familyworkbook.audit import guards

    guards.ensure(connections[using])
