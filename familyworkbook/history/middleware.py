"""The request's context for the history triggers, on PostgreSQL only.

pghistory's middleware prefixes every writing SQL statement with `set_config(...)` calls that
the triggers read; SQLite has no such function, so there the middleware steps aside.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from pghistory.middleware import HistoryMiddleware


def request_id_of(request: HttpRequest) -> str:
    """The same request id the audit trail records (audit/services.py)."""
    return str(getattr(request, "request_id", "") or request.META.get("HTTP_X_REQUEST_ID", ""))[:64]


class HistoryContextMiddleware(HistoryMiddleware):
    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().get_context(request)
        request_id = request_id_of(request)
        if request_id:
            context["request_id"] = request_id
        return context

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if connection.vendor != "postgresql":
            return self.get_response(request)
        return super().__call__(request)
