"""Writes for insights: today, the audit of every download of a KPI table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from familyworkbook import audit
from familyworkbook.insights.periods import Scope, Table


@transaction.atomic
def record_export(
    *,
    by: Any,
    table: Table,
    scope: Scope,
    date_from: dt.date,
    date_to: dt.date,
    file_format: str,
    request: Any = None,
) -> None:
    """An exported KPI table is information leaving the system: audit who, what and how."""
    audit.record(
        actor=by,
        verb=audit.Verb.EXPORTED,
        label=f"KPI table: {table.caption}",
        data={
            "table": table.slug,
            "scope": scope.key,
            "from": date_from,
            "to": date_to,
            "format": file_format,
            "rows": len(table.rows),
        },
        request=request,
    )
