"""Field history (R14): who changed which field of a record, when, from what, and from where.

`context(**metadata)` adds to (or opens) the history context on PostgreSQL and does nothing
on SQLite; `purge_for(model, pks)` deletes the events of rows that retention destroys.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.db import connection, models


def enabled() -> bool:
    """Whether field history is recorded: only PostgreSQL has the triggers."""
    return connection.vendor == "postgresql"


def context(**metadata: Any) -> AbstractContextManager[Any]:
    """`pghistory.context` on PostgreSQL: every write inside carries `metadata` (user, url...).

    On SQLite it would prefix SQL with `set_config`, which SQLite has not got: a no-op there.
    """
    if not enabled():
        return nullcontext()
    import pghistory

    return pghistory.context(**metadata)


def purge_for(model: type[models.Model] | str, pks: Iterable[Any]) -> int:
    """Delete every history event of these rows of `model` (retention's destruction).

    Returns how many events were deleted. A model that is not tracked has none. Call it in the
    same transaction as the rows' own deletion: no delete trigger writes a new event after it.
    """
    from familyworkbook.history.models import event_model_for

    event_model = event_model_for(model)
    pks = list(pks)
    if event_model is None or not pks:
        return 0
    deleted, _ = event_model.objects.filter(pgh_obj_id__in=pks).delete()
    return deleted
