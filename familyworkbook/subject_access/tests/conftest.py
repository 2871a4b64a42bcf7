"""R18's fixture: a three-person family (Alex and Jo, parents; Ava, their child). Jo has a
safe address Alex must never see; Alex asks for his own information. Every kind of record
the pack covers is held about Alex, some of it naming Jo or Ava."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from familyworkbook import audit
from familyworkbook.access.models import Consent, PerpetratorLink, SharingRecord
from familyworkbook.cases.models import Visit
from familyworkbook.demo import builders
from familyworkbook.documents.models import Document, WrittenSection
from familyworkbook.measures import services as measure_services
from familyworkbook.meetings.models import Contribution, Decision, Meeting, MeetingType
from familyworkbook.meetings.seed import seed_meeting_types
from familyworkbook.people.models import Address, PersonKind, Registration
from familyworkbook.teams.models import Role
from familyworkbook.workbook.loader import load_shipped_programmes
from familyworkbook.workbook.models import SUPPORTING_CHANGE, Programme
from familyworkbook.workbook.models.change import ChangeStage
from familyworkbook.workbook.models.entries import Chapter, Entry
from familyworkbook.workbook.models.goals import Goal, GoalAction, GoalRating
from familyworkbook.workbook.models.interventions import Intervention
from familyworkbook.workbook.models.risk import RiskNeedItem

SAFE_LINE = "7 Canary Wharf Refuge Lane"
SAFE_TOWN = "Canarytown"
SAFE_POSTCODE = "ZZ9 9ZZ"
DAY = dt.date(2025, 10, 1)


@pytest.fixture
def ig_officer(db):
    worker = builders.worker("iggy", role=Role.PERFORMANCE, first_name="Iggy", last_name="Gov")
    worker.user.groups.add(Group.objects.get(name="Information governance"))
    return worker


def entry(family, sam, on, *, tagged=(), present=(), **fields) -> Entry:
    values = {
        "kind": "home_visit",
        "chapter": Chapter.SOCIAL_WORK,
        "what_happened": "Home visit.",
        "meaning_for_child": "Settled.",
        "what_happens_next": "Visit next week.",
    }
    values.update(fields)
    e = Entry(family=family, author=sam, happened_on=on, **values)
    e.stamp(sam.user)
    e.save()
    e.tagged.set(tagged)
    e.present.set(present)
    return e


@pytest.fixture
def ward(db, north, sam):
    family = builders.family("Ward", children=1, adults=2)
    alex = family.members.get(first_name="Alex")
    jo = family.members.get(first_name="Jo")
    ava = family.members.get(kind=PersonKind.CHILD)
    case = builders.case(family, north, lead=sam)
    PerpetratorLink.objects.create(perpetrator=alex, survivor=jo)
    safe = Address.objects.create(
        person=jo,
        kind="safe",
        line_1=SAFE_LINE,
        town=SAFE_TOWN,
        postcode=SAFE_POSTCODE,
        from_date=dt.date(2025, 6, 1),
        protected=True,
    )
    home = Address.objects.create(
        person=alex,
        kind="home",
        line_1="12 Elm Road",
        town="Fenton",
        postcode="FE1 2AB",
        from_date=dt.date(2020, 1, 1),
    )
    gp = Registration.objects.create(
        person=alex, kind="gp", name="Fenton Surgery", code="F81001", from_date=dt.date(2015, 1, 1)
    )
    own = entry(
        family,
        sam,
        dt.date(2025, 9, 10),
        tagged=[alex],
        present=[alex],
        what_happened="Alex talked about his drinking.",
    )
    about_jo = entry(
        family,
        sam,
        dt.date(2025, 9, 12),
        tagged=[alex, jo],
        what_happened=f"Alex asked where Jo lives. Jo is now at {SAFE_LINE}, {SAFE_POSTCODE}.",
    )
    family_entry = entry(
        family,
        sam,
        dt.date(2025, 9, 14),
        what_happened="Family meeting at the school about Ava's attendance.",
    )
    goal = Goal.objects.create(
        family=family, person=alex, title="Alex stays sober", set_on=dt.date(2025, 9, 15)
    )
    GoalAction.objects.create(
        goal=goal, description="Attend the alcohol service", owner="Alex", due_on=DAY
    )
    GoalRating.objects.create(
        goal=goal, rated_on=dt.date(2025, 9, 20), rated_by="worker", score=4, recorded_by=sam.user
    )
    risk = RiskNeedItem.objects.create(
        family=family,
        about=alex,
        kind="worry",
        text="Alex drinks in the evenings",
        identified_on=dt.date(2025, 9, 15),
    )
    stage = ChangeStage.objects.create(
        family=family,
        person=alex,
        issue="alcohol",
        stage="contemplation",
        assessed_on=dt.date(2025, 9, 16),
        rationale="Alex says he wants to cut down",
        recorded_by=sam.user,
    )
    seed_meeting_types(MeetingType)
    meeting = Meeting.objects.create(
        type=MeetingType.objects.first(),
        family=family,
        case=case,
        starts_at=dt.datetime(2025, 9, 18, 10, tzinfo=dt.UTC),
        chair=sam,
        worries="Jo is frightened of Alex",
    )
    Contribution.objects.create(
        meeting=meeting, author=sam, chapter=Chapter.SOCIAL_WORK, text="Alex engaged well."
    )
    Decision.objects.create(meeting=meeting, text="Alex to attend the alcohol service")
    document = Document.objects.create(
        family=family,
        case=case,
        type_key="child_in_need_plan",
        schema_version=1,
        title="Family plan",
        author=sam.user,
    )
    WrittenSection.objects.create(document=document, key="analysis", text="Alex is trying.")
    measure = measure_services.record_measure(
        person=alex,
        case=case,
        instrument="swemwbs",
        informant="self",
        completed_on=DAY,
        collection_point="assessment",
        responses={str(i): 3 for i in range(1, 8)},
        by=sam.user,
    )
    sharing = SharingRecord.objects.create(
        family=family,
        person=alex,
        decision="shared",
        what="Alcohol service referral",
        recipient="Fenton alcohol service",
        purpose="Referral",
        lawful_basis="public_task",
        decided_on=DAY,
        override_reason="Public task",
    )
    consent = Consent.objects.create(person=alex, scope="partners", given_on=DAY)
    load_shipped_programmes()
    supporting = Programme.objects.latest_of(SUPPORTING_CHANGE)
    intervention = Intervention.objects.create(
        family=family,
        child=ava,
        programme=supporting,
        programme_version=supporting.version,
        referred_by=sam,
        keyworker=sam,
        eligibility="edge_of_care",
        started_on=dt.date(2025, 9, 1),
        planned_end_on=dt.date(2025, 11, 24),
        readiness_answers=[2, 2, 2, 2, 3],
        readiness_score=11,
        readiness_band="Ambivalent",
        legal_status_at_start="cin",
    )
    # Someone has read Alex's record: "who has seen" is part of what is held about him.
    audit.record(actor=sam.user, verb=audit.Verb.VIEWED, target=alex, label=alex.full_name)
    visit = Visit.objects.create(
        child=ava, case=case, visited_on=dt.date(2025, 9, 10), kind="cin", seen=True, by=sam
    )
    return SimpleNamespace(
        family=family,
        alex=alex,
        jo=jo,
        ava=ava,
        case=case,
        safe=safe,
        home=home,
        gp=gp,
        own=own,
        about_jo=about_jo,
        family_entry=family_entry,
        goal=goal,
        risk=risk,
        stage=stage,
        meeting=meeting,
        document=document,
        measure=measure,
        sharing=sharing,
        consent=consent,
        visit=visit,
        intervention=intervention,
    )
