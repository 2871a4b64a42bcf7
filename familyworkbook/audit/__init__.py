"""Append-only, hash-chained audit of every read, write, export and sign-in.

Use it as `from familyworkbook import audit` then `audit.record(actor=..., verb=audit.Verb.VIEWED,
target=...)`. `record()` is the only way to write an event. This package imports no domain
app: records are named generically as "app_label.model" plus a primary key.

The functions are loaded on first use, because Django imports this package while it is
still loading apps, before models may be imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from familyworkbook.audit.verbs import Verb

if TYPE_CHECKING:
    from familyworkbook.audit.services import (
        PROTECTED,
        changes,
        events_for,
        record,
        snapshot,
        who_has_seen,
    )

__all__ = ["PROTECTED", "Verb", "changes", "events_for", "record", "snapshot", "who_has_seen"]

_FROM_SERVICES = {"PROTECTED", "changes", "events_for", "record", "snapshot", "who_has_seen"}


def __getattr__(name: str) -> Any:
    if name in _FROM_SERVICES:
        from familyworkbook.audit import services

        return getattr(services, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
