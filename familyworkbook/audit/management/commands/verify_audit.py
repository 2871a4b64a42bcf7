"""`manage.py verify_audit`: prove the audit trail is as it was written, or name where not.

Walks the chain in sequence order, recomputing every hash, and checks that each event
follows the one before it (no gaps, prev_hash matches), that the chain head agrees with the
last event (nothing removed from the end), and that the guard triggers are in place.
Exit status 0 means intact; 1 means broken, with the first broken link named.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from familyworkbook.audit import guards
from familyworkbook.audit.chain import GENESIS_HASH, HASHED_FIELDS, compute_hash
from familyworkbook.audit.models import AuditChainHead, AuditEvent

CHUNK_SIZE = 5000


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and name the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since-sequence",
            type=int,
            default=None,
            metavar="N",
            help="Start at sequence N, trusting the stored hash of the event before it.",
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=100_000,
            metavar="N",
            help="Report progress every N events (default 100,000).",
        )
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--file",
            default=None,
            help="Check a copy written by export_audit instead of the database (off-host).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            self._verify_file(options["file"], max(1, options["progress_every"]))
            return
        database: str = options["database"]
        since: int | None = options["since_sequence"]
        every: int = max(1, options["progress_every"])

        # Read the head first: anything it counts committed in the same transaction as the
        # head moved, so the walk below sees it; later appends are simply not checked.
        head = AuditChainHead.objects.using(database).filter(pk=AuditChainHead.ONLY_ROW).first()
        start = since if since and since > 1 else 1
        expected_prev = GENESIS_HASH
        if start > 1:
            anchor = (
                AuditEvent.objects.using(database).filter(sequence=start - 1).values("hash").first()
            )
            if anchor is None:
                raise CommandError(
                    f"Audit chain broken: sequence {start - 1}, the event before "
                    f"--since-sequence {start}, is missing."
                )
            expected_prev = anchor["hash"]

        events = (
            AuditEvent.objects.using(database)
            .filter(sequence__gte=start)
            .order_by("sequence")
            .values("id", "hash", *HASHED_FIELDS)
        )

        checked = 0
        expected_sequence = start
        last: dict[str, Any] | None = None
        at_head: dict[str, Any] | None = None
        for event in self._read(events):
            problem = self._problem(event, expected_sequence, expected_prev)
            if problem:
                raise CommandError(
                    f"Audit chain broken at sequence {event['sequence']} "
                    f"(event id {event['id']}): {problem}"
                )
            checked += 1
            expected_sequence = event["sequence"] + 1
            expected_prev = event["hash"]
            last = event
            if head is not None and event["sequence"] == head.sequence:
                at_head = event
            if checked % every == 0:
                self.stdout.write(f"Checked {checked:,} events (to sequence {event['sequence']})")

        self._check_end(head, last, at_head, start, expected_sequence)
        self._check_guards(database)
        span = f" from sequence {start}" if start > 1 else ""
        self.stdout.write(f"Audit chain intact: {checked} events{span}")

    def _verify_file(self, path: str, every: int) -> None:
        """The same chain rules over an export: each document hashes to its stored hash, each
        follows the one before it, and the copy reaches the head it recorded."""
        import hashlib
        import json

        from familyworkbook.audit.chain import canonical_bytes

        with open(path) as lines:
            try:
                header = json.loads(next(lines))["header"]
            except (StopIteration, KeyError, ValueError) as exc:
                raise CommandError(f"{path} is not an audit export (no header line)") from exc
            expected_sequence = header["since_sequence"]
            expected_prev = header["anchor_hash"]
            checked = 0
            last: dict[str, Any] | None = None
            for number, raw in enumerate(lines, start=2):
                try:
                    line = json.loads(raw)
                    document, stored = line["document"], line["hash"]
                except (KeyError, ValueError) as exc:
                    raise CommandError(f"Audit copy broken at line {number}: unreadable") from exc
                sequence = document.get("sequence")
                where = f"Audit copy broken at sequence {sequence} (event id {line.get('id')})"
                if sequence != expected_sequence:
                    raise CommandError(f"{where}: expected sequence {expected_sequence}.")
                if document.get("prev_hash") != expected_prev:
                    raise CommandError(
                        f"{where}: prev_hash does not match the hash of the event before it."
                    )
                if hashlib.sha256(canonical_bytes(document)).hexdigest() != stored:
                    raise CommandError(f"{where}: stored hash does not match its contents.")
                expected_sequence = sequence + 1
                expected_prev = stored
                last = document
                checked += 1
                if checked % every == 0:
                    self.stdout.write(f"Checked {checked:,} events (to sequence {sequence})")
        head = header.get("head")
        reaches = head is None or head["sequence"] < header["since_sequence"]
        if not reaches and (last is None or last["sequence"] < head["sequence"]):
            raise CommandError(
                f"Audit copy broken: the head recorded sequence {head['sequence']}, "
                "but the copy ends before it."
            )
        self.stdout.write(
            f"Audit copy intact: {checked} events from sequence {header['since_sequence']}"
        )

    @staticmethod
    def _read(events: Any) -> Iterator[dict[str, Any]]:
        """Yield events; a row too damaged to read is a broken link, not a crash.

        Rows arrive in chunks and SQLite's driver converts a whole chunk at once, so on a
        failure the rows after the last good one are read one by one to name the culprit.
        """
        rows = events.iterator(chunk_size=CHUNK_SIZE)
        before: dict[str, Any] | None = None
        while True:
            try:
                event = next(rows)
            except StopIteration:
                return
            except (ValueError, TypeError) as exc:
                after = before["sequence"] if before else 0
                candidates = events.filter(sequence__gt=after).values_list("sequence", "id")
                for sequence, event_id in candidates.iterator(chunk_size=CHUNK_SIZE):
                    try:
                        events.filter(sequence=sequence).get()
                    except (ValueError, TypeError) as damaged:
                        raise CommandError(
                            f"Audit chain broken at sequence {sequence} (event id {event_id}): "
                            f"the event cannot be read ({damaged}), so it was altered after "
                            "it was written."
                        ) from damaged
                raise CommandError(
                    f"Audit chain broken after sequence {after}: an event cannot be read "
                    f"({exc}), so it was altered after it was written."
                ) from exc
            before = event
            yield event

    @staticmethod
    def _problem(event: dict[str, Any], expected_sequence: int, expected_prev: str) -> str:
        sequence = event["sequence"]
        if sequence != expected_sequence:
            missing = (
                f"sequence {expected_sequence}"
                if sequence == expected_sequence + 1
                else f"sequences {expected_sequence} to {sequence - 1}"
            )
            return f"expected sequence {expected_sequence}: {missing} missing."
        if event["prev_hash"] != expected_prev:
            return (
                f"prev_hash {event['prev_hash'][:12]}… does not match the hash of the event "
                f"before it ({expected_prev[:12]}…): an earlier event was altered, removed "
                "or re-hashed."
            )
        recomputed = compute_hash(event)
        if recomputed != event["hash"]:
            return (
                f"stored hash {event['hash'][:12]}… does not match its contents "
                f"(recomputed {recomputed[:12]}…): the event was altered after it was written."
            )
        return ""

    @staticmethod
    def _check_end(
        head: AuditChainHead | None,
        last: dict[str, Any] | None,
        at_head: dict[str, Any] | None,
        start: int,
        next_sequence: int,
    ) -> None:
        """The head was read before the walk, so the walk must have reached it.

        Events appended while the walk ran lie beyond the head and were checked like any
        other; fewer events than the head counts means some were removed from the end.
        """
        if head is None:
            if last is not None:
                raise CommandError(
                    f"Audit chain broken after sequence {last['sequence']} "
                    f"(event id {last['id']}): the chain head is missing, so events removed "
                    "from the end could not be detected."
                )
            return
        if head.sequence < start:
            return
        if at_head is None:
            where = (
                f"after sequence {last['sequence']} (event id {last['id']})"
                if last
                else f"at sequence {start}"
            )
            raise CommandError(
                f"Audit chain broken {where}: the chain head records sequence {head.sequence}, "
                f"but sequences {next_sequence} to {head.sequence} are missing."
            )
        if head.hash != at_head["hash"]:
            raise CommandError(
                f"Audit chain broken at sequence {at_head['sequence']} "
                f"(event id {at_head['id']}): the chain head's hash does not match this "
                "event's hash."
            )

    def _check_guards(self, database: str) -> None:
        connection = connections[database]
        missing = guards.expected(connection) - guards.installed(connection)
        if missing:
            self.stderr.write(
                "Warning: audit guard triggers are missing, so audit rows could be altered "
                f"with raw SQL: {', '.join(sorted(missing))}. Run `manage.py migrate` to "
                "restore them, and find out why they were removed."
            )
