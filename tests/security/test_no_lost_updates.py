"""R20: no silent overwrites. Random interleavings of two or three editors' opens and saves
against the services, checked against a model of what should have happened: 0 lost updates.

A lost update is a save that succeeds although someone else saved after the editor opened
the record: their change would be overwritten unseen. Each editor behaves as the pages do: a
save is made from the version the form was opened at; a successful save leaves the editor on
the new version (the page redirects to the record); a refused save leaves them on the merge
form, re-filled on the latest version.

`FWB_INTERLEAVINGS` sets how many interleavings hypothesis tries, over both record kinds
(200 by default; the R20 target run is 10,000).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from familyworkbook.audit.models import AuditEvent
from familyworkbook.core.models import StaleEditError
from familyworkbook.demo import builders
from familyworkbook.people import services as people_services
from familyworkbook.people.models import Person
from familyworkbook.teams.models import Role
from familyworkbook.workbook import services as workbook_services
from familyworkbook.workbook.models import RiskNeedItem

INTERLEAVINGS = int(os.environ.get("FWB_INTERLEAVINGS", "200"))
D = dt.date(2025, 9, 1)

# (editor, action): "open" reloads the record into the editor's form; "save" submits it.
steps = st.lists(
    st.tuples(st.integers(min_value=0, max_value=2), st.sampled_from(["open", "save", "save"])),
    min_size=1,
    max_size=16,
)


@dataclass
class Editor:
    user: Any
    opened_version: int
    copy: Any = None  # the record as their form holds it (for services that save an object)


@dataclass
class Truth:
    """What the record must hold: the model the database is checked against."""

    version: int
    value: str
    accepted: list[tuple[int, str]] = field(default_factory=list)  # (version it replaced, value)
    refused: int = 0
    lost: int = 0


class Kind:
    """One kind of record and the service that edits it."""

    def create(self, family: Any, by: Any) -> Any:
        raise NotImplementedError

    def stored(self, record: Any) -> tuple[int, str]:
        raise NotImplementedError

    def open(self, record: Any) -> Any:
        return None

    def save(self, record: Any, editor: Editor, value: str) -> None:
        raise NotImplementedError


class RiskItem(Kind):
    """A Workbook risk and need line: services.edit_risk_need_item(expected_version=...)."""

    def create(self, family: Any, by: Any) -> Any:
        return workbook_services.add_risk_need_item(
            family=family, by=by, kind="worry", text="first", identified_on=D
        )

    def stored(self, record: Any) -> tuple[int, str]:
        return RiskNeedItem.objects.values_list("version", "text").get(pk=record.pk)

    def save(self, record: Any, editor: Editor, value: str) -> None:
        workbook_services.edit_risk_need_item(
            record, by=editor.user, expected_version=editor.opened_version, text=value
        )


class PersonDetails(Kind):
    """A person's details: the editor's whole object is saved (save_checked writes every
    field), so a missed version check here would overwrite the other editor's fields."""

    def create(self, family: Any, by: Any) -> Any:
        person = family.members.get(first_name="Ava")
        Person.objects.filter(pk=person.pk).update(known_as="first")
        return Person.objects.get(pk=person.pk)

    def stored(self, record: Any) -> tuple[int, str]:
        return Person.objects.values_list("version", "known_as").get(pk=record.pk)

    def open(self, record: Any) -> Any:
        return Person.objects.get(pk=record.pk)

    def save(self, record: Any, editor: Editor, value: str) -> None:
        editor.copy.known_as = value
        people_services.update_person(
            editor.copy, by=editor.user, expected_version=editor.opened_version
        )


def play(kind: Kind, record: Any, users: list[Any], plan: list[tuple[int, str]]) -> Truth:
    """Run one interleaving, checking the database against the model after every step."""
    version, value = kind.stored(record)
    truth = Truth(version=version, value=value)
    # Everyone starts with the form open at the same version (R20: "two clients edit v1").
    editors = [Editor(u, version, kind.open(record)) for u in users]
    changed_before = AuditEvent.objects.filter(verb="changed", target_id=str(record.pk)).count()
    for n, (who, action) in enumerate(plan):
        editor = editors[who % len(editors)]
        if action == "open":
            editor.opened_version, editor.copy = truth.version, kind.open(record)
            continue
        mine = f"editor {who} save {n}"
        try:
            kind.save(record, editor, mine)
        except StaleEditError as exc:
            assert editor.opened_version != truth.version, "a save from the latest was refused"
            assert exc.actual == truth.version  # the merge form is offered on the latest
            truth.refused += 1
            # The merge form: their answers, re-filled on the latest version.
            editor.opened_version, editor.copy = exc.actual, kind.open(record)
        else:
            if editor.opened_version != truth.version:
                truth.lost += 1  # it overwrote a save this editor never saw
            truth.accepted.append((editor.opened_version, mine))
            truth.version, truth.value = truth.version + 1, mine
            editor.opened_version, editor.copy = truth.version, kind.open(record)
        assert kind.stored(record) == (truth.version, truth.value), plan[: n + 1]
    # Each accepted save replaced the one before it, and left exactly one audit row.
    assert [base for base, _ in truth.accepted] == list(
        range(version, version + len(truth.accepted))
    )
    changed = AuditEvent.objects.filter(verb="changed", target_id=str(record.pk)).count()
    assert changed - changed_before == len(truth.accepted)
    return truth


TOTALS = {"interleavings": 0, "saves": 0, "refused": 0, "lost": 0}


class NoLostUpdates(TestCase):
    """hypothesis' Django TestCase rolls each interleaving back."""

    @classmethod
    def setUpTestData(cls) -> None:
        # Once for the class (each interleaving's own rows are rolled back after it).
        team = builders.team("North Family Safeguarding Team", district="Fenland")
        cls.users = [
            builders.worker(f"editor{i}", role=Role.SOCIAL_WORKER, teams=[team]).user
            for i in range(3)
        ]
        cls.family = builders.family("Smith", children=2, adults=2)

    @settings(
        max_examples=INTERLEAVINGS,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        kind=st.sampled_from([RiskItem, PersonDetails]),
        editors=st.integers(min_value=2, max_value=3),
        plan=steps,
    )
    def test_random_interleavings_lose_no_update(self, kind, editors, plan):
        record = kind().create(self.family, self.users[0])
        truth = play(kind(), record, self.users[:editors], plan)
        TOTALS["interleavings"] += 1
        TOTALS["saves"] += len(truth.accepted) + truth.refused
        TOTALS["refused"] += truth.refused
        TOTALS["lost"] += truth.lost
        assert truth.lost == 0

    @classmethod
    def tearDownClass(cls) -> None:
        print(
            "R20 interleavings: {interleavings} run, {saves} saves, {refused} refused as "
            "stale, {lost} lost updates".format(**TOTALS)
        )
        super().tearDownClass()


def test_two_clients_save_v1_at_the_same_moment_and_one_is_refused(transactional_db):
    """Real concurrency: two connections race to save from version 1; exactly one wins."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the in-memory SQLite test database cannot be shared by two "
            "threads' connections (the sequential interleavings above run on both)"
        )
    team = builders.team("North Family Safeguarding Team", district="Fenland")
    users = [
        builders.worker(f"racer{i}", role=Role.SOCIAL_WORKER, teams=[team]).user for i in (0, 1)
    ]
    family = builders.family("Smith", children=1, adults=1)
    for attempt in range(20):
        item = RiskItem().create(family, users[0])
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def save(
            user: Any, text: str, item: Any = item, barrier: Any = barrier, outcomes=outcomes
        ) -> None:
            try:
                barrier.wait()
                workbook_services.edit_risk_need_item(item, by=user, expected_version=1, text=text)
                outcomes.append("saved")
            except StaleEditError:
                outcomes.append("refused")
            finally:
                close_old_connections()
                connection.close()

        threads = [
            threading.Thread(target=save, args=(u, f"racer {i} try {attempt}"))
            for i, u in enumerate(users)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["refused", "saved"], outcomes
        version, text = RiskNeedItem.objects.values_list("version", "text").get(pk=item.pk)
        assert version == 2 and text.startswith("racer ")
