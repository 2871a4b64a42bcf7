"""The record's own clock: one function for "today for the record", the demo's anchor when one
is recorded, the real calendar day otherwise (docs/decisions/core-record-clock.md)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyworkbook.core import clock
from familyworkbook.core.models import RecordClock

PRODUCT = Path(__file__).resolve().parents[2]
# A day in another quarter and another DfE collection year than the machine's day, whenever
# the tests run after it, so a page still on the machine's clock shows the wrong dates.
ANCHOR = dt.date(2025, 2, 14)

# Reads of the machine's calendar that product code may make, each with its reason.
ALLOWED: dict[str, tuple[int, str]] = {
    "core/clock.py": (2, "the clock itself: the real day when no date is recorded"),
    "demo/management/commands/seed_demo.py": (
        1,
        "refuses an anchor after the machine's day (records dated in the future fail validation)",
    ),
    "access/models.py": (
        1,
        "PerpetratorLink.noted_on's model default: changing it would alter the access and "
        "history migrations; its only creators (the demo and the admin) give the date",
    ),
    "insights/views.py": (
        1,
        "'Figures as at 07:10 today' says when the dashboards' refresh job really ran, a real "
        "timestamp compared with the real day",
    ),
}
MACHINE_DAY = re.compile(
    r"\bdate\.today\(|\bdatetime\.today\(|\bdatetime\.now\(|localdate\(\s*\)|localdate\b(?!\()"
    r"|now\(\)\.date\(\)|localtime\(\)\.date\(\)"
)


def _product_files():
    for path in sorted(PRODUCT.rglob("*.py")):
        parts = path.relative_to(PRODUCT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield "/".join(parts), path


def test_product_code_asks_the_record_clock_for_today():
    found: dict[str, list[str]] = {}
    for name, path in _product_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if MACHINE_DAY.search(code):
                found.setdefault(name, []).append(f"{name}:{number}: {line.strip()}")
    unexpected = [
        hit
        for name, hits in found.items()
        if name not in ALLOWED or len(hits) != ALLOWED[name][0]
        for hit in hits
    ]
    assert not unexpected, (
        "Use familyworkbook.core.clock.today() (or now()) for the record's today, or add the "
        "file to ALLOWED with a reason:\n" + "\n".join(unexpected)
    )
    assert set(ALLOWED) <= set(found), "an allow-list entry no longer needed"


@pytest.mark.django_db
def test_with_no_recorded_date_the_clock_is_the_real_calendar_day():
    assert clock.recorded_date() is None
    assert clock.today() == timezone.localdate()
    assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


@pytest.mark.django_db
def test_a_recorded_date_is_today_and_now_keeps_the_time_of_day():
    clock.record(ANCHOR)
    assert clock.today() == ANCHOR
    now = clock.now()
    assert now.date() == ANCHOR and timezone.is_aware(now)
    assert now.time().replace(microsecond=0) <= timezone.localtime().time()
    clock.record(None)
    assert clock.today() == timezone.localdate() and not RecordClock.objects.exists()


@pytest.mark.django_db
def test_recording_twice_keeps_one_row():
    clock.record(ANCHOR)
    clock.record(ANCHOR + dt.timedelta(days=1))
    assert list(RecordClock.objects.values_list("seen_on", flat=True)) == [
        ANCHOR + dt.timedelta(days=1)
    ]


@pytest.mark.django_db
def test_a_request_reads_the_recorded_date_once():
    clock.record(ANCHOR)
    seen: list[dt.date] = []

    def view(request):
        seen.extend(clock.today() for _ in range(5))
        return None

    with CaptureQueriesContext(connection) as queries:
        clock.RecordClockMiddleware(view)(None)
    assert seen == [ANCHOR] * 5
    assert sum("core_recordclock" in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.django_db
def test_seeding_the_demo_county_records_its_anchor():
    from familyworkbook.demo.seeding import seed_county

    seed_county(families=1, seed=1, anchor=ANCHOR)
    assert clock.today() == ANCHOR


# --- Pages and documents follow the recorded date -------------------------------------------


@pytest.fixture
def anchored(db):
    clock.record(ANCHOR)
    return ANCHOR


def test_a_court_chronology_drafted_in_a_demo_county_covers_two_years_to_its_anchor(
    anchored, client, signed_in, smith_case, sam
):
    from familyworkbook.documents.models import Document

    signed_in(client, sam)
    family = smith_case.family
    response = client.post(
        reverse("documents:new", args=[family.pk]), {"type_key": "court_chronology"}
    )
    document = Document.objects.get(family=family)
    assert response.status_code == 302
    assert (document.window_start, document.window_end) == (dt.date(2023, 2, 14), ANCHOR)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "14 February 2023" in page and "14 February 2025" in page


def test_the_measures_schedule_counts_due_dates_from_the_anchor(
    anchored, client, signed_in, sam, north, monkeypatch
):
    from familyworkbook.measures import selectors

    asked: list[dt.date] = []
    real = selectors.team_schedule

    def spy(user, team, today):
        asked.append(today)
        return real(user, team, today)

    monkeypatch.setattr(selectors, "team_schedule", spy)
    signed_in(client, sam)
    assert client.get(reverse("measures:team", args=[north.pk])).status_code == 200
    assert asked == [ANCHOR]


def test_the_returns_period_is_the_collection_year_of_the_anchor(anchored):
    from familyworkbook.returns.periods import CollectionYear

    assert CollectionYear.current() == CollectionYear(2025)  # 1 April 2024 to 31 March 2025


def test_the_insights_period_is_the_four_quarters_before_the_anchor(
    anchored, client, signed_in, mo
):
    signed_in(client, mo)
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 200
    data = response.context["form"].data
    assert (data["date_from_day"], data["date_from_month"], data["date_from_year"]) == (
        ("1", "1", "2024")
    )
    assert (data["date_to_day"], data["date_to_month"], data["date_to_year"]) == (
        "31",
        "12",
        "2024",
    )
