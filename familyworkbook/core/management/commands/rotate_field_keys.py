"""`manage.py rotate_field_keys [--batch-size N] [--reindex]`: re-encrypt every encrypted column.

Key rotation (R16; decision: data-field-encryption): put the new key first in
FWB_FIELD_ENCRYPTION_KEYS (keeping the old one after it), restart, run this command, then drop
the old key. Every non-empty value of every encrypted field of every installed model is
decrypted with whichever key opens it and encrypted again under the first key, with raw SQL,
in primary-key batches: each batch is one transaction with its rows locked (`FOR UPDATE` on
PostgreSQL), so an edit made meanwhile is neither lost nor overwritten. Running it again is
harmless, and an interrupted run can simply be started again.

`--reindex` also recomputes every blind index from the decrypted value: run it after changing
FWB_BLIND_INDEX_KEY (searches by postcode miss rows until it finishes).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from familyworkbook.core.encryption import (
    BlindIndexField,
    UndecryptableError,
    encrypted_fields,
    rewrite_columns,
    rotate,
)


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column under the first FWB_FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per transaction.")
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute the blind indexes (after FWB_BLIND_INDEX_KEY changes).",
        )

    def handle(self, *args: Any, batch_size: int, reindex: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields or model._meta.proxy or not model._meta.managed:
                continue
            indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
            label = model._meta.label
            rows = model._default_manager.count()
            self.stdout.write(
                f"{label}: {rows} rows, columns {', '.join(f.column for f in fields)}"
            )

            def progress(done: int, label: str = label, rows: int = rows) -> None:
                self.stdout.write(f"  {label}: {done}/{rows}")

            try:
                rewrite_columns(
                    connection,
                    table=model._meta.db_table,
                    pk=model._meta.pk.column,
                    columns=[f.column for f in fields],
                    change=rotate,
                    batch_size=batch_size,
                    progress=progress,
                )
                for index in indexes if reindex else []:
                    source = model._meta.get_field(index.source)
                    self.stdout.write(f"  {label}: recomputing {index.column}")
                    rewrite_columns(
                        connection,
                        table=model._meta.db_table,
                        pk=model._meta.pk.column,
                        columns=[],
                        change=rotate,
                        batch_size=batch_size,
                        index=(source.column, index.column),
                    )
            except UndecryptableError as error:
                raise CommandError(
                    f"{label}: {error}. Put back the key it was encrypted with; the rows "
                    "already done stay done."
                ) from None
            total += rows
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows under the first key."))
