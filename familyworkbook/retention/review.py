"""The retention review, computed as a background job and read back for the page.

``compute()`` assesses every family (engine.assess_all, in chunks, reporting progress) and
returns a JSON-able summary the job keeps; ``rows()`` turns it back into what the page
lists. Holds placed after the review ran are read live, so a record held since is not
offered for destruction; proposing re-assesses the one family anyway (services._destroyable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from familyworkbook.retention import engine
from familyworkbook.retention.models import LegalHold, RetentionRule


def _row(a: engine.Assessment) -> dict[str, Any]:
    return {
        "family_id": a.family_id,
        "reference": a.reference,
        "rule_id": a.rule.pk if a.rule else None,
        "trigger_on": a.trigger_on.isoformat() if a.trigger_on else None,
        "expires_on": a.expires_on.isoformat() if a.expires_on else None,
        "held": a.held,
    }


def compute(*, today: dt.date, progress: Callable[[int, int], None] | None = None) -> dict:
    expired, held, due, unknown = [], 0, [], 0
    for a in engine.assess_all(today=today, progress=progress):
        if a.status == engine.Status.EXPIRED:
            if a.held:
                held += 1
            else:
                expired.append(a)
        elif a.due_within(today, engine.DUE_SOON_DAYS):
            due.append(a)
        elif a.status == engine.Status.UNKNOWN:
            unknown += 1
    expired.sort(key=lambda a: (a.expires_on, a.family_id))
    due.sort(key=lambda a: (a.expires_on, a.family_id))
    return {
        "today": today.isoformat(),
        "expired": [_row(a) for a in expired],
        "held": held,
        "due": [_row(a) for a in due],
        "unknown": unknown,
    }


@dataclass
class Row:
    family_id: int
    reference: str
    rule: RetentionRule | None
    trigger_on: dt.date | None
    expires_on: dt.date | None
    held: bool


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def rows(result: dict) -> dict[str, Any]:
    """The page's lists from a stored review; records held since it ran move to 'held'."""
    ids = [r["family_id"] for r in result["expired"] + result["due"]]
    held_now = set(
        LegalHold.objects.in_force().filter(family_id__in=ids).values_list("family_id", flat=True)
    )
    rule_ids = {r["rule_id"] for r in result["expired"] + result["due"] if r["rule_id"]}
    rules = RetentionRule.objects.in_bulk(rule_ids)

    def row(r: dict) -> Row:
        return Row(
            family_id=r["family_id"],
            reference=r["reference"],
            rule=rules.get(r["rule_id"]),
            trigger_on=_date(r["trigger_on"]),
            expires_on=_date(r["expires_on"]),
            held=r["held"] or r["family_id"] in held_now,
        )

    expired = [row(r) for r in result["expired"]]
    return {
        "today": _date(result["today"]),
        "expired": [r for r in expired if not r.held],
        "held": result["held"] + sum(r.held for r in expired),
        "due": [row(r) for r in result["due"]],
        "unknown": result["unknown"],
    }
