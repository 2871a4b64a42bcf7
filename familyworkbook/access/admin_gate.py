"""The Django admin reads records through the access policy too.

Django's admin shows every row to anyone with the model's view permission, and every
permission to a superuser. For the record apps that would let a system administrator read
children's records and protected addresses. So at start-up (`AccessConfig.ready`, after the
admin has registered every ModelAdmin) each record model's admin QuerySet is narrowed:
models with a policy (person, family, address, case) through `visible_to(user)`, the rest
only for holders of `access.view_all_records`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from familyworkbook.core import scoping

RECORD_APPS = frozenset({"people", "cases", "workbook", "measures", "returns", "access"})


def _gated(model_admin: admin.ModelAdmin) -> Any:
    original = model_admin.get_queryset

    def get_queryset(request: HttpRequest) -> QuerySet:
        from familyworkbook.access import policy

        queryset = original(request)
        user = request.user
        if not policy.holds(user, policy.ALL_RECORDS_PERMISSION):
            return queryset.none()
        if queryset.model._meta.label_lower in scoping.registered():
            # Whole council still leaves out restricted people and protected rows.
            return scoping.scope(queryset, user)
        return queryset

    get_queryset.__wrapped__ = original  # type: ignore[attr-defined]
    return get_queryset


def gate_record_admins(site: admin.AdminSite = admin.site) -> list[str]:
    """Narrow the admin of every record model; returns the labels gated (for tests)."""
    gated = []
    for model, model_admin in site._registry.items():
        if model._meta.app_label in RECORD_APPS and not hasattr(
            model_admin.get_queryset, "__wrapped__"
        ):
            model_admin.get_queryset = _gated(model_admin)  # type: ignore[method-assign]
            gated.append(model._meta.label_lower)
    return gated
