"""Field history for bulk loads: pause the row triggers, then write the same events in bulk.

Each tracked table has an AFTER INSERT and an AFTER UPDATE row trigger that copies the new
row into its event table (`history.models`). A bulk load of hundreds of thousands of rows
pays one trigger call and one single-row INSERT per row; that is most of a demo county's
load time on PostgreSQL. Inside `load()`:

- the tracked tables' pgtrigger triggers are disabled (`ALTER TABLE … DISABLE TRIGGER`, which
  is transactional: the load's transaction re-enables them when it ends, whether it commits
  or rolls back, and no other session writes to those tables meanwhile: the ALTER holds
  their lock until then);
- `flush()` (and the end of the block) writes one `insert` event for every row inserted since
  the last flush, by one `INSERT … SELECT` per table: the columns the trigger copies
  (`NEW.*`), the same context settings it reads, `NOW()` and the label `insert`;
- `updated(model, pks)` writes the `update` events of rows the load changed after inserting
  them (the trigger would have written one per row that changed).

Call `flush()` before updating rows inserted in the same load, so their insert events hold the
row as inserted, as the trigger's would. The events are the trigger path's events row for
row; only their `pgh_id` order can differ. On SQLite there are no triggers and no events:
everything here is a no-op. docs/decisions/history-bulk-load.md says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, models, transaction

from familyworkbook import history

# The same expressions the pghistory triggers read, so a load inside `history.context(...)`
# carries that context into its events.
_CONTEXT = "COALESCE(NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), ''), NULL)::JSONB"
_CONTEXT_ID = "COALESCE(NULLIF(CURRENT_SETTING('pghistory.context_id', TRUE), ''), NULL)::UUID"
_PGH = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context", "pgh_context_id"}


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_sql(tracked: type[models.Model], label: str, where: str) -> str:
    from familyworkbook.history.models import event_model_for

    event = event_model_for(tracked)
    assert event is not None
    columns = [f.column for f in event._meta.concrete_fields if f.name not in _PGH]
    pk = tracked._meta.pk.column
    into = ", ".join(
        _qn(c)
        for c in [
            *columns,
            "pgh_context",
            "pgh_context_id",
            "pgh_created_at",
            "pgh_label",
            "pgh_obj_id",
        ]
    )
    select = ", ".join(
        [*(_qn(c) for c in columns), _CONTEXT, _CONTEXT_ID, "NOW()", f"'{label}'", _qn(pk)]
    )
    # Names from the models' meta, quoted; values are parameters.
    target, source = _qn(event._meta.db_table), _qn(tracked._meta.db_table)
    sql = f"INSERT INTO {target} ({into}) SELECT {select} FROM {source}"  # noqa: S608
    return f"{sql} WHERE {where} ORDER BY {_qn(pk)}"


class Load:
    """One bulk load's paused triggers and high-water marks (one per tracked table)."""

    def __init__(self, tracked: Iterable[type[models.Model]]) -> None:
        self.tracked = list(tracked)
        self.marks: dict[type[models.Model], int] = {}
        self.events = 0

    def _triggers(self) -> list[tuple[str, str]]:
        import pgtrigger

        tables = {m._meta.db_table for m in self.tracked}
        return [
            (model._meta.db_table, trigger.get_pgid(model))
            for model, trigger in pgtrigger.registered()
            if model._meta.db_table in tables
        ]

    def start(self) -> None:
        with connection.cursor() as cursor:
            for table, name in self._triggers():
                cursor.execute(f"ALTER TABLE {_qn(table)} DISABLE TRIGGER {_qn(name)}")
            for model in self.tracked:
                self.marks[model] = self._max_pk(cursor, model)

    def finish(self) -> None:
        self.flush()
        with connection.cursor() as cursor:
            # PostgreSQL will not ALTER a table with deferred foreign-key checks pending: run
            # them now (a broken reference fails the load here), then defer again as before.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table, name in self._triggers():
                cursor.execute(f"ALTER TABLE {_qn(table)} ENABLE TRIGGER {_qn(name)}")

    @staticmethod
    def _max_pk(cursor: Any, model: type[models.Model]) -> int:
        pk = _qn(model._meta.pk.column)
        table = _qn(model._meta.db_table)
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608 - model names
        return int(cursor.fetchone()[0])

    def flush(self) -> int:
        """Write the insert events of every row inserted since the last flush."""
        written = 0
        with connection.cursor() as cursor:
            for model in self.tracked:
                top = self._max_pk(cursor, model)
                mark = self.marks[model]
                if top <= mark:
                    continue
                pk = _qn(model._meta.pk.column)
                cursor.execute(_copy_sql(model, "insert", f"{pk} > %s AND {pk} <= %s"), [mark, top])
                written += cursor.rowcount
                self.marks[model] = top
        self.events += written
        return written

    def updated(self, model: type[models.Model], pks: Iterable[Any]) -> int:
        """Write an update event for each of these rows (as they are now)."""
        pks = list(pks)
        if not pks or model not in self.tracked:
            return 0
        pk = _qn(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(_copy_sql(model, "update", f"{pk} = ANY(%s)"), [pks])
            written = cursor.rowcount
        self.events += written
        return written


_current: ContextVar[Load | None] = ContextVar("history_bulk_load", default=None)


@contextmanager
def load(tracked: Iterable[type[models.Model]] | None = None) -> Iterator[Load | None]:
    """Pause the history triggers of `tracked` (default: every tracked model) for a bulk load.

    Must run inside a transaction (the triggers come back on with it). Yields the `Load`, or
    None where there is no field history (SQLite): then it does nothing.
    """
    if not history.enabled():
        yield None
        return
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("history.bulk.load() needs a transaction")
    from familyworkbook.history.models import TRACKED

    state = Load(TRACKED if tracked is None else tracked)
    state.start()
    token = _current.set(state)
    try:
        yield state
        state.finish()
    finally:
        _current.reset(token)


def flush() -> int:
    """Inside `load()`, write the insert events of the rows inserted so far; else nothing."""
    state = _current.get()
    return state.flush() if state is not None else 0


def updated(model: type[models.Model], pks: Iterable[Any]) -> int:
    """Inside `load()`, write update events for rows the load changed; else nothing (the
    trigger, if any, has already written them)."""
    state = _current.get()
    return state.updated(model, pks) if state is not None else 0
