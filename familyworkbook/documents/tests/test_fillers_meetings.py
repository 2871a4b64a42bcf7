"""Group case supervision records in the document engine (for the meeting's PDF)."""

from __future__ import annotations

from familyworkbook.documents.facts import FILLERS
from familyworkbook.documents.fillers import meetings
from familyworkbook.documents.tests import test_fillers_world as w
from familyworkbook.documents.tests.test_fillers_world import assert_traceable, text_of

world = w.world  # the shared fixture

RECORD = [
    "meeting.details",
    "meeting.attendance",
    "meeting.contributions",
    "meeting.discussion",
    "meeting.ratings",
    "meeting.rag",
    "meeting.cycle_of_change",
    "meeting.decisions",
    "meeting.actions",
    "meeting.amendments",
]


def test_every_filled_fact_points_at_the_record_it_came_from(world):
    ctx = world.ctx(subject=world.meetings[1])
    checked = sum(assert_traceable(FILLERS[name](ctx)) for name in RECORD)
    assert checked > 10


def test_the_record_has_attendance_by_discipline_rag_with_previous_and_actions(world):
    second = world.meetings[1]
    ctx = world.ctx(subject=second)
    attendance = meetings.attendance(ctx).tables[0]
    rows = {r[0]: r for r in attendance.rows}
    assert rows["Dana Price"][1] == "Domestic abuse survivor worker"
    assert rows["Dana Price"][2].text == "Sent apologies"
    assert rows["Dana Price"][3] == "Yes"  # sent a written contribution
    rag = text_of(meetings.rag(ctx))
    assert "Amber: some concern" in rag and "previous meeting (5 March 2025): Red" in rag
    actions = meetings.actions(ctx).tables[0]
    carried = [r for r in actions.rows if r[4] != "–"]
    assert carried and carried[0][4] == "From 5 March 2025"
    assert "Decision at the amber meeting." in text_of(meetings.decisions(ctx))
    assert "Ava says home is calmer." in text_of(meetings.discussion(ctx))


def test_ratings_since_the_last_meeting_only(world):
    table = meetings.ratings(world.ctx(subject=world.meetings[1])).tables[0]
    dates = {r[4] for r in table.rows}
    assert dates == {"10 March 2025", "26 May 2025"}


def test_a_worker_outside_the_family_gets_no_record(world, priya):
    ctx = world.ctx(user=priya.user, subject=world.meetings[0])
    for name in RECORD:
        assert not FILLERS[name](ctx).facts


def test_a_worker_downloads_the_signed_off_record_as_a_pdf(world, client, signed_in):
    import io

    from django.urls import reverse
    from pypdf import PdfReader

    from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step
    from familyworkbook.audit.models import AuditEvent
    from familyworkbook.documents.models import Document

    signed_in(client, world.sam)
    meeting = world.meetings[1]
    page = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    url = reverse("documents:meeting_pdf", args=[meeting.pk])
    assert url in page.content.decode()
    first = client.get(url)
    assert is_disclosure_step(first)  # a download needs a disclosure record first
    _form, response = disclose_and_fetch(client, first)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "Decision at the amber meeting." in text and "Amber: some concern" in text
    assert AuditEvent.objects.filter(verb="downloaded", target_id=str(meeting.pk)).exists()
    assert Document.objects.filter(type_key="meeting_record", subject_id=meeting.pk).count() == 1


def test_a_worker_in_another_team_gets_404_for_the_meeting_pdf(world, client, signed_in, priya):
    from django.urls import reverse

    signed_in(client, priya)
    response = client.get(reverse("documents:meeting_pdf", args=[world.meetings[0].pk]))
    assert response.status_code == 404
