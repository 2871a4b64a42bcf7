"""The R19 drill's checker finds what it must: a lost write, a partial one, one without audit.

Run with `pytest bench/durability/tests` (bench/ is outside the default testpaths). The crash
drill itself (bench/durability/crash.py) is a benchmark, not a test: it builds its own
PostgreSQL cluster and takes minutes.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verify import Ack, check, committed_markers, marker_text  # noqa: E402

from familyworkbook.workbook.models import Entry  # noqa: E402
from familyworkbook.workbook.services.visits import children_on_case  # noqa: E402

pytestmark = pytest.mark.django_db


def _post_visit(client, family, marker: str) -> int:
    """What a drill writer does: the real form, every member present; the new entry's id."""
    today = dt.date.today()  # noqa: DTZ011 - a calendar date, as the form takes it
    present = [str(m.person_id) for m in family.memberships.all()]
    response = client.post(
        f"/workbook/family/{family.pk}/entries/new/",
        {
            "happened_on_day": today.day,
            "happened_on_month": today.month,
            "happened_on_year": today.year,
            "kind": "home_visit",
            "present": present,
            "what_happened": marker_text(marker),
            "meaning_for_child": "Safe and well.",
            "what_happens_next": "Visit again.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return int(re.search(r"/entries/(\d+)/$", response["Location"]).group(1))


@pytest.fixture
def acknowledged(sam_client, smith_case):
    family = smith_case.family
    entry_id = _post_visit(sam_client, family, "w00-00001-cafe")
    visits = len(children_on_case(SimpleNamespace(family_id=family.pk)))
    return Ack("w00-00001-cafe", entry_id, family.pk, family.memberships.count(), visits)


def test_a_whole_audited_visit_entry_passes(acknowledged):
    assert acknowledged.visits == 2  # the Smiths' two children each get a statutory visit
    found = check([acknowledged])
    assert found.ok, found.as_dict()
    assert found.checked == 1


def test_an_acknowledged_id_that_is_not_there_is_a_loss(acknowledged):
    ghost = Ack("w00-00002-beef", acknowledged.entry_id + 1000, acknowledged.family_id, 4, 2)
    found = check([acknowledged, ghost])
    assert len(found.lost) == 1 and "beef" in found.lost[0]
    assert not found.partial and not found.audit_missing


def test_an_entry_holding_another_marker_is_a_loss(acknowledged):
    wrong = Ack("w00-00003-dead", acknowledged.entry_id, acknowledged.family_id, 4, 2)
    assert len(check([wrong]).lost) == 1


def test_an_entry_missing_its_visits_is_partial(acknowledged):
    Entry.visits.through.objects.filter(entry_id=acknowledged.entry_id).delete()
    found = check([acknowledged])
    assert found.partial == [f"entry {acknowledged.entry_id}: 4 of 4 present, 0 of 2 visits"]
    assert not found.lost


def test_an_entry_without_its_audit_event_is_reported(acknowledged, sam):
    # Saved around the service, as a save outside its transaction would leave it.
    bare = Entry.objects.get(pk=acknowledged.entry_id)
    bare.pk = None
    bare.save()
    found = check([Ack(acknowledged.marker, bare.pk, acknowledged.family_id, 0, 0)])
    assert len(found.audit_missing) == 1 and str(bare.pk) in found.audit_missing[0]


def test_unacknowledged_markers_that_committed_are_found(acknowledged):
    assert committed_markers(["w00-00001-cafe", "w99-00001-0000"]) == {"w00-00001-cafe"}
