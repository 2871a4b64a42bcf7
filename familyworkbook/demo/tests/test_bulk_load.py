"""The bulk load (issue 15): the same county as before it, with complete field history.

`seed_county` pauses the history triggers during each batch on PostgreSQL and writes the
insert events in bulk (`history.bulk`), then ANALYZEs. These tests check that the county is
the one recorded before that change (row counts and digest of a 30-family county, seed 7),
that the bulk path writes the events the triggers write, and that the planner has statistics.
"""

from __future__ import annotations

import contextlib
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test import TestCase, override_settings

from familyworkbook.demo.digest import data_digest
from familyworkbook.demo.progress import Bar, line
from familyworkbook.demo.seeding import seed_county
from familyworkbook.history.models import EVENT_MODELS, TRACKED

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="field history and its triggers are PostgreSQL's (SQLite has no events)",
)

# Recorded with the per-row-trigger seeder (commit 8104f44) before the bulk load changed it:
# `seed_demo --families 30 --seed 7 --digest` on SQLite, then a count of every table. Tables
# that migrations fill (rules, meeting types, programmes) are left out.
DIGEST_30_SEED_7 = "0b187d84ba7ecfee2cd6413f30dc701bd445fad850c2c29b2f6b53035d30e8fb"
COUNTS_30_SEED_7 = {
    "cases_adoptiondecision": 1,
    "cases_allocation": 131,
    "cases_assessment": 99,
    "cases_careproceedings": 4,
    "cases_case": 51,
    "cases_cinepisode": 99,
    "cases_cinplan": 49,
    "cases_cpplan": 36,
    "cases_cpreview": 61,
    "cases_episodesecondaryneed": 138,
    "cases_lookedafterepisode": 17,
    "cases_lookedafteroutcome": 5,
    "cases_lookedafterreview": 31,
    "cases_preproceedings": 5,
    "cases_previouspermanence": 6,
    "cases_section47": 47,
    "cases_socialworkerchange": 4,
    "cases_visit": 414,
    "core_recordclock": 1,
    "insights_clinicalsupervision": 1004,
    "insights_trainingrecord": 209,
    "meetings_attendance": 237,
    "meetings_meeting": 83,
    "meetings_meetingsnapshot": 83,
    "people_address": 121,
    "people_family": 30,
    "people_familymembership": 121,
    "people_person": 121,
    "people_registration": 85,
    "people_relationship": 384,
    "teams_district": 5,
    "teams_organisation": 6,
    "teams_post": 135,
    "teams_post_teams": 162,
    "teams_service": 1,
    "teams_team": 15,
    "teams_user": 120,
    "teams_worker": 120,
    "workbook_changestage": 101,
    "workbook_decisionalbalance": 17,
    "workbook_entry": 601,
    "workbook_entry_present": 920,
    "workbook_entry_visits": 209,
    "workbook_goal": 99,
    "workbook_goalaction": 99,
    "workbook_goalrating": 644,
    "workbook_priorityissue": 60,
    "workbook_riskneeditem": 174,
    "workbook_scalinganswer": 75,
    "workbook_toxictrioflag": 39,
}


class _RollbackError(Exception):
    pass


def _table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in COUNTS_30_SEED_7:
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COUNT(*) FROM {name}")  # noqa: S608 - our table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _top_ids() -> dict[type, int]:
    """Each tracked table's highest id: rows from migrations came before the triggers."""
    return {m: max(m._base_manager.values_list("pk", flat=True), default=0) for m in TRACKED}


def _events_against_rows(before: dict[type, int]) -> Counter[tuple[str, str, bool, object]]:
    """Each event: its table, label, whether it holds the row as it is now, and its context.

    Ids differ between two seeds of one database (sequences do not roll back), so events are
    compared with their own rows, not with each other: the trigger path and the bulk path
    must give the same tally (a relationship's insert event, written before its inverse
    was set, differs from the row; its update event matches it).
    """
    tally: Counter[tuple[str, str, bool, object]] = Counter()
    for model in TRACKED:
        fields = [f.attname for f in model._meta.concrete_fields]
        pk = model._meta.pk.attname
        rows = {r[pk]: r for r in model._base_manager.filter(pk__gt=before[model]).values(*fields)}
        events = EVENT_MODELS[model._meta.label_lower].objects.values(
            "pgh_obj_id", "pgh_label", "pgh_context", *fields
        )
        seen = set()
        for event in events:
            row = rows.get(event["pgh_obj_id"])
            same = row is not None and all(event[f] == row[f] for f in fields)
            tally[(model._meta.label, event["pgh_label"], same, str(event["pgh_context"]))] += 1
            if event["pgh_label"] == "insert":
                seen.add(event["pgh_obj_id"])
        # Every row has its insert event.
        assert seen == set(rows), f"{model._meta.label}: rows without an insert event"
    return tally


def _seed_and_roll_back(**kwargs) -> tuple[dict[str, int], str, Counter]:
    result: tuple[dict[str, int], str, Counter] = ({}, "", Counter())
    with contextlib.suppress(_RollbackError), transaction.atomic():
        before = _top_ids()
        seed_county(families=30, seed=7, **kwargs)
        events = _events_against_rows(before) if connection.vendor == "postgresql" else Counter()
        result = (_table_counts(), data_digest(), events)
        raise _RollbackError
    return result


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class BulkLoadTests(TestCase):
    def test_the_county_is_the_one_recorded_before_the_bulk_load(self) -> None:
        counts, digest, _events = _seed_and_roll_back()
        assert counts == COUNTS_30_SEED_7
        assert digest == DIGEST_30_SEED_7

    @on_postgres
    def test_the_bulk_path_writes_the_events_the_triggers_write(self) -> None:
        counts, digest, events = _seed_and_roll_back(bulk_history=True)
        by_trigger = _seed_and_roll_back(bulk_history=False)
        assert (counts, digest, events) == by_trigger
        # Not vacuous: people, workbook entries and relationships' inverse updates are there.
        assert (
            events[("people.Person", "insert", True, "None")] == COUNTS_30_SEED_7["people_person"]
        )
        assert (
            events[("workbook.Entry", "insert", True, "None")] == COUNTS_30_SEED_7["workbook_entry"]
        )
        half = COUNTS_30_SEED_7["people_relationship"] // 2
        assert events[("people.Relationship", "insert", False, "None")] == half
        assert events[("people.Relationship", "update", True, "None")] == half

    @on_postgres
    def test_the_triggers_are_back_on_after_the_load(self) -> None:
        with contextlib.suppress(_RollbackError), transaction.atomic():
            seed_county(families=3, seed=7)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%' "
                    "AND tgenabled = 'D'"
                )
                assert cursor.fetchall() == []
                cursor.execute(
                    "SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger_insert_%%'"
                )
                assert cursor.fetchone()[0] == len(TRACKED)
            raise _RollbackError

    @on_postgres
    def test_the_load_ends_with_statistics_for_the_big_tables(self) -> None:
        big = ["people_person", "people_relationship", "cases_visit", "workbook_entry"]
        with contextlib.suppress(_RollbackError), transaction.atomic():
            seed_county(families=10, seed=7)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [big]
                )
                reltuples = dict(cursor.fetchall())
            raise _RollbackError
        assert set(reltuples) == set(big)
        assert all(n > 0 for n in reltuples.values()), reltuples


def test_the_progress_line_gives_the_rate_and_the_time_left() -> None:
    text = line(500, 2000, 10.0)
    assert "500/2,000" in text and "25%" in text
    assert "50.0/s" in text and "elapsed 0:10" in text and "left 0:30" in text


def test_the_bar_writes_a_line_a_tenth_when_not_on_a_terminal() -> None:
    import io

    out = io.StringIO()
    bar = Bar(out, tty=False)
    for done in range(100, 2001, 100):
        bar.update(done, 2000, done / 50)
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and lines[-1].startswith("families 2,000/2,000")
