"""Concurrent writers must queue on the chain head, never fork the chain.

These tests commit for real (transaction=True), so each thread has its own connection and
transaction, as two web workers would.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from familyworkbook import audit
from familyworkbook.audit import guards
from familyworkbook.audit.models import AuditEvent
from familyworkbook.audit.tests.conftest import raw
from familyworkbook.audit.verbs import Verb

WRITERS = 4
EVENTS_EACH = 15

threads_on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "SQLite's in-memory test database refuses a second writer instead of queueing it; "
        "the SQLite path is tested with processes on a file database instead"
    ),
)


@threads_on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_linear_chain(sam, mo):
    actors = [sam.user, mo.user]
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait(timeout=10)
            for i in range(EVENTS_EACH):
                with transaction.atomic():
                    audit.record(actor=actors[n % 2], verb=Verb.VIEWED, data={"writer": n, "i": i})
                    # Hold the head a moment, as a real change's transaction would, so
                    # the other writers pile up behind it.
                    time.sleep(0.002)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    events = list(AuditEvent.objects.order_by("sequence").values("sequence", "prev_hash", "hash"))
    assert [e["sequence"] for e in events] == list(range(1, WRITERS * EVENTS_EACH + 1))
    for before, after in zip(events, events[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    # Writers really did interleave: otherwise this test proves nothing about locking.
    writers_in_order = [
        e["data"]["writer"] for e in AuditEvent.objects.order_by("sequence").values("data")
    ]
    assert writers_in_order != sorted(writers_in_order)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"Audit chain intact: {WRITERS * EVENTS_EACH} events" in out.getvalue()


@threads_on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_first_to_commit(sam):
    """The head lock is held until commit: the second writer's event follows the first's."""
    first_locked = threading.Event()
    release_first = threading.Event()
    second_done = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = audit.record(actor=sam.user, verb=Verb.CHANGED)
                first_locked.set()
                release_first.wait(timeout=10)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_locked.wait(timeout=10)
            results["second"] = audit.record(actor=sam.user, verb=Verb.VIEWED)
            second_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_locked.wait(timeout=10)
    assert not second_done.wait(timeout=0.5), "second writer did not wait for the head lock"
    release_first.set()
    for thread in threads:
        thread.join(timeout=20)

    assert second_done.is_set()
    assert results["second"].prev_hash == results["first"].hash  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_store_and_keeps_its_guards(sam):
    """TransactionTestCase and live-server tests flush after every test; they must not fail."""
    audit.record(actor=sam.user, verb=Verb.VIEWED)
    audit.record(actor=sam.user, verb=Verb.SEARCHED, data={"query": "Smith"})

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    assert guards.installed(connection) == guards.expected(connection)
    event = audit.record(actor=None, verb=Verb.SIGN_IN_FAILED, data={"username": "sam"})
    assert event.sequence == 1
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_auditevent")


WRITER_SCRIPT = """
import pathlib, time
from django.db import transaction
from familyworkbook import audit
gate = pathlib.Path({gate!r})
(gate / "ready-{writer}").touch()
while len(list(gate.glob("ready-*"))) < {writers}:
    time.sleep(0.01)
for i in range({count}):
    with transaction.atomic():
        audit.record(actor=None, verb="viewed", data={{"writer": {writer}, "i": i}})
        time.sleep(0.002)
    time.sleep(0.005)
"""


def _manage(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the PostgreSQL path is tested with threads above"
)
def test_concurrent_processes_keep_one_linear_chain_on_a_sqlite_file(tmp_path):
    """SQLite in production is a file: writers queue on BEGIN IMMEDIATE, never fork.

    The in-memory test database cannot show this (its shared cache refuses a second writer
    instead of making it wait), so this runs real processes against a file database.
    """
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        "FWB_ALLOW_INSECURE_KEY": "true",
    }
    migrate = _manage(["migrate", "--no-input", "-v", "0"], env)
    assert migrate.wait(timeout=120) == 0, migrate.communicate()[1]

    script_args = {"gate": str(tmp_path), "writers": WRITERS, "count": EVENTS_EACH}
    writers = [
        _manage(["shell", "-c", WRITER_SCRIPT.format(**script_args, writer=n)], env)
        for n in range(WRITERS)
    ]
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err

    verify = _manage(["verify_audit"], env)
    out, err = verify.communicate(timeout=120)
    assert verify.returncode == 0, err
    assert f"Audit chain intact: {WRITERS * EVENTS_EACH} events" in out
    with closing(sqlite3.connect(tmp_path / "audit.sqlite3")) as db:
        order = [
            json.loads(row[0])["writer"]
            for row in db.execute("SELECT data FROM audit_auditevent ORDER BY sequence")
        ]
    assert sorted(order) == sorted(n for n in range(WRITERS) for _ in range(EVENTS_EACH))
    # The writers took turns rather than running one after another.
    turns = 1 + sum(1 for a, b in zip(order, order[1:], strict=False) if a != b)
    assert turns > WRITERS
