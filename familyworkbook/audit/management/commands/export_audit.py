"""`manage.py export_audit`: the audit trail as JSON lines, for a nightly copy off the host.

Each event line holds the exact document its hash covers (`chain.hash_document`), the stored
hash and the event id, so the copy can be checked anywhere, without this database, by
`manage.py verify_audit --file <copy>` (the same chain rules). The first line is a header:
where the export starts, the hash of the event before it (the anchor), and the chain head
when the export began. R13: a database owner could rewrite the whole chain consistently; a
copy held elsewhere, compared night by night, shows it.

    python manage.py export_audit --since 2026-11-01 --output var/audit-2026-11-22.jsonl
    python manage.py export_audit --since 120000 > copy.jsonl     # from sequence 120,000
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from familyworkbook.audit.chain import GENESIS_HASH, HASHED_FIELDS, hash_document
from familyworkbook.audit.models import AuditChainHead, AuditEvent

CHUNK_SIZE = 5000
FORMAT = "familyworkbook-audit-export/1"


def _start_sequence(since: str | None, database: str) -> int:
    if not since:
        return 1
    if since.isdigit():
        return max(1, int(since))
    moment = parse_datetime(since)
    if moment is None:
        day = parse_date(since)
        if day is None:
            raise CommandError("--since takes a sequence number, a date or a date and time")
        moment = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    first = (
        AuditEvent.objects.using(database)
        .filter(occurred_at__gte=moment)
        .order_by("sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    if first is None:
        head = AuditChainHead.objects.using(database).first()
        return (head.sequence if head else 0) + 1
    return first


class Command(BaseCommand):
    help = "Write audit events as JSON lines with their chain hashes (verify with verify_audit --file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            default=None,
            help="A sequence number, or a date / date and time (events from then on).",
        )
        parser.add_argument("--output", default="-", help="A file to write (default: stdout).")
        parser.add_argument("--progress-every", type=int, default=100_000, metavar="N")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"]
        start = _start_sequence(options["since"], database)
        every = max(1, options["progress_every"])
        head = AuditChainHead.objects.using(database).first()
        anchor = GENESIS_HASH
        if start > 1:
            previous = (
                AuditEvent.objects.using(database)
                .filter(sequence=start - 1)
                .values_list("hash", flat=True)
                .first()
            )
            if previous is None:
                raise CommandError(f"Sequence {start - 1}, the anchor of the export, is missing")
            anchor = previous
        out = sys.stdout if options["output"] == "-" else open(options["output"], "w")  # noqa: SIM115
        written = 0
        try:
            header = {
                "format": FORMAT,
                "since_sequence": start,
                "anchor_hash": anchor,
                "head": {"sequence": head.sequence, "hash": head.hash} if head else None,
                "exported_at": timezone.now().isoformat(),
            }
            out.write(json.dumps({"header": header}, sort_keys=True) + "\n")
            events = (
                AuditEvent.objects.using(database)
                .filter(sequence__gte=start)
                .order_by("sequence")
                .values("id", "hash", *HASHED_FIELDS)
            )
            for event in events.iterator(chunk_size=CHUNK_SIZE):
                line = {
                    "id": str(event["id"]),
                    "hash": event["hash"],
                    "document": hash_document(event),
                }
                out.write(json.dumps(line, sort_keys=True, ensure_ascii=True) + "\n")
                written += 1
                if written % every == 0:
                    self.stderr.write(
                        f"Exported {written:,} events (to sequence {event['sequence']})"
                    )
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"Exported {written} events from sequence {start}")
