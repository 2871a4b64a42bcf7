"""The demo family D2's filler tests share: the Smiths with three years of records, and the
checks every document's facts must pass (each Source points at a record that exists, with
its date and author). Other `test_fillers_*` modules import the fixtures from here.

The Smiths: Alex (mother, a survivor of alleged domestic abuse by Jo, with a protected safe
address and a previous address shared with Jo), Jo (father), Ava (2016) and Leo (2017), and
Pat (grandmother, wider network). North holds the case since January 2023, Sam leads, Dana
is the domestic abuse survivor worker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from familyworkbook.access.models import AccessGrant, GrantKind, PerpetratorLink
from familyworkbook.cases.models import Allocation, CinEpisode, CpPlan, PreProceedings, Visit
from familyworkbook.demo import builders
from familyworkbook.documents.facts import Fact, FillContext, Filled
from familyworkbook.documents.fillers import letters
from familyworkbook.measures import services as measure_services
from familyworkbook.meetings import services as meeting_services
from familyworkbook.meetings.models import (
    GROUP_SUPERVISION,
    Attendance,
    AttendanceStatus,
    Contribution,
    MeetingType,
)
from familyworkbook.meetings.seed import seed_meeting_types
from familyworkbook.people.models import (
    Address,
    AddressKind,
    FamilyMembership,
    MembershipKind,
    Person,
    PersonKind,
)
from familyworkbook.teams.models import Role
from familyworkbook.workbook.loader import load_shipped_programmes
from familyworkbook.workbook.models import (
    DEFAULT_PROGRAMME,
    SUPPORTING_CHANGE,
    ChangeStage,
    Entry,
    Goal,
    GoalAction,
    GoalRating,
    Intervention,
    Programme,
    RiskNeedItem,
    ToxicTrioFlag,
)

OPENED = dt.date(2023, 1, 9)
SAFE_LINE = "7 Hidden Mews"
SAFE_POSTCODE = "CB4 1ZZ"
SHARED_LINE = "12 Mill Road"
SHARED_POSTCODE = "CB1 2AD"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _person(family: Any, first: str) -> Person:
    return family.members.get(first_name=first)


def _entry(family, author, day, module, *, present=(), tagged=(), chapter="social_work", **kw):
    e = Entry.objects.create(
        family=family,
        author=author,
        chapter=chapter,
        happened_on=day,
        kind=kw.pop("kind", "session"),
        programme=module.programme if module else None,
        programme_version=module.programme.version if module else "",
        module=module,
        what_happened=kw.pop(
            "what_happened", f"Session on {module.title if module else 'contact'}."
        ),
        meaning_for_child=kw.pop("meaning_for_child", "What it means for the children."),
        what_happens_next="Next session booked.",
        created_by=author.user,
        **kw,
    )
    e.present.set(present)
    e.tagged.set(tagged)
    return e


def _rate(goal, day, by, score, recorder, note=""):
    return GoalRating.objects.create(
        goal=goal,
        rated_on=day,
        rated_by=by,
        score=score,
        note=note,
        recorded_by=recorder.user,
        rater_worker=recorder if by == "worker" else None,
    )


@dataclasses.dataclass
class World:
    family: Any
    case: Any
    alex: Person
    jo: Person
    ava: Person
    leo: Person
    pat: Person
    sam: Any
    dana: Any
    mo: Any
    safe_address: Address
    shared_address: Address
    jo_home: Address
    intervention: Intervention
    meetings: list
    entries: list

    def ctx(self, user: Any = None, **kw: Any) -> FillContext:
        values = {"user": user or self.sam.user, "family": self.family, "case": self.case}
        values.update(kw)
        return FillContext(**values)


@pytest.fixture
def world(db, sam, dana, mo, north) -> World:
    programmes = {r.programme.slug: r.programme for r in load_shipped_programmes()}
    fs = Programme.objects.latest_of(DEFAULT_PROGRAMME)
    sc = Programme.objects.latest_of(SUPPORTING_CHANGE)
    assert programmes and fs and sc
    seed_meeting_types(MeetingType)
    fam = builders.family("Smith", children=2, adults=2, born=dt.date(2016, 5, 17))
    alex, jo = _person(fam, "Alex"), _person(fam, "Jo")
    ava, leo = _person(fam, "Ava"), _person(fam, "Leo")
    builders.link(alex, jo, "partner", started_on=dt.date(2012, 6, 1))
    pat = Person.objects.create(
        kind=PersonKind.ADULT,
        first_name="Pat",
        last_name="Smith",
        sex="F",
        date_of_birth=dt.date(1960, 1, 5),
    )
    FamilyMembership.objects.create(
        family=fam, person=pat, kind=MembershipKind.NETWORK, contact="weekly"
    )
    builders.link(pat, ava, "grandparent")
    builders.link(pat, alex, "parent")
    case = builders.case(fam, north, lead=sam, opened_on=OPENED)
    Allocation.objects.create(
        case=case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2023, 2, 1)
    )
    # Addresses: the family home Alex shared with Jo (she left it), her protected safe address.
    shared = Address.objects.create(
        person=alex,
        kind=AddressKind.HOME,
        line_1=SHARED_LINE,
        town="Cambridge",
        postcode=SHARED_POSTCODE,
        from_date=dt.date(2014, 1, 1),
        to_date=dt.date(2024, 11, 1),
    )
    safe = Address.objects.create(
        person=alex,
        kind=AddressKind.SAFE,
        line_1=SAFE_LINE,
        town="Cambridge",
        postcode=SAFE_POSTCODE,
        from_date=dt.date(2024, 11, 1),
        protected=True,
    )
    jo_home = Address.objects.create(
        person=jo,
        kind=AddressKind.HOME,
        line_1=SHARED_LINE,
        town="Cambridge",
        postcode=SHARED_POSTCODE,
        from_date=dt.date(2014, 1, 1),
    )
    PerpetratorLink.objects.create(perpetrator=jo, survivor=alex, noted_on=dt.date(2023, 1, 20))

    ep_ava = CinEpisode.objects.get(child=ava)
    CpPlan.objects.create(
        episode=ep_ava,
        started_on=dt.date(2023, 3, 1),
        ended_on=dt.date(2024, 3, 4),
        initial_category="NEG",
        latest_category="EMO",
        created_by=sam.user,
    )
    for child in (ava, leo):
        PreProceedings.objects.create(
            child=child, case=case, started_on=dt.date(2025, 6, 16), created_by=sam.user
        )
        for day in (dt.date(2025, 1, 10), dt.date(2025, 7, 4)):
            Visit.objects.create(
                child=child,
                case=case,
                visited_on=day,
                kind="cp",
                seen=True,
                seen_alone=day.month == 7,
                by=sam,
                created_by=sam.user,
            )

    modules = {m.slug: m for m in fs.modules.all()}
    entries = []
    day = dt.date(2023, 2, 6)
    for n, slug in enumerate(
        [
            "story",
            "child-needs",
            "child-world",
            "boundaries",
            "relationships",
            "substance-use",
            "wellbeing",
            "network",
        ]
    ):
        module = modules[slug]
        author = dana if slug == "relationships" else sam
        chapter = "da_survivor" if slug == "relationships" else "social_work"
        kids = (ava, leo) if module.focus == "child" else ()
        for k, parent in enumerate((alex, jo)):
            entries.append(
                _entry(
                    fam,
                    author,
                    day + dt.timedelta(days=120 * n + 30 * k),
                    module,
                    present=(parent, *kids),
                    tagged=kids,
                    chapter=chapter,
                    child_words="When dad shouts I hide under the bed."
                    if slug == "child-world" and k == 0
                    else "",
                    is_significant=slug in ("relationships", "network") and k == 0,
                    headline=f"{module.title}: key session"
                    if slug in ("relationships", "network") and k == 0
                    else "",
                    confidential_detail="",
                )
            )
    # Risk and need.
    for kind, text, about, on in [
        (
            "worry",
            "Jo's drinking leaves the children without supervision at night.",
            None,
            dt.date(2023, 1, 20),
        ),
        (
            "worry",
            "Ava worries about her mum and is often late for school.",
            ava,
            dt.date(2023, 2, 1),
        ),
        (
            "strength",
            "Alex gets both children to school when she is well.",
            None,
            dt.date(2023, 3, 1),
        ),
        ("protective", "Pat looks after the children every weekend.", None, dt.date(2023, 3, 1)),
        ("must_change", "No drinking while caring for the children.", None, dt.date(2023, 3, 1)),
        ("worry", "Jo missed three sessions in March.", None, dt.date(2025, 3, 20)),
    ]:
        RiskNeedItem.objects.create(
            family=fam, kind=kind, text=text, about=about, identified_on=on, created_by=sam.user
        )
    ToxicTrioFlag.objects.create(
        family=fam,
        person=jo,
        issue="substance",
        flagged_on=dt.date(2023, 1, 20),
        created_by=sam.user,
    )
    # Goals and ratings (worker against family).
    g_alex = Goal.objects.create(
        family=fam,
        person=alex,
        title="Keep a bedtime routine for Leo",
        set_on=dt.date(2023, 3, 1),
        created_by=sam.user,
    )
    g_jo = Goal.objects.create(
        family=fam,
        person=jo,
        title="Stay sober when caring for the children",
        set_on=dt.date(2023, 3, 1),
        created_by=sam.user,
    )
    GoalAction.objects.create(
        goal=g_jo,
        description="Attend the recovery group weekly",
        owner="Jo",
        due_on=dt.date(2025, 12, 1),
        created_by=sam.user,
    )
    for day, w_alex, f_alex, w_jo, f_jo in [
        (dt.date(2023, 3, 1), 3, 5, 2, 8),
        (dt.date(2024, 3, 1), 5, 7, 3, 8),
        (dt.date(2025, 3, 10), 7, 8, 3, 8),
        (dt.date(2025, 5, 26), 8, 9, 3, 9),
    ]:
        _rate(g_alex, day, "worker", w_alex, sam)
        _rate(g_alex, day, "family", f_alex, sam, note="Bedtimes are better.")
        _rate(g_jo, day, "worker", w_jo, sam)
        _rate(g_jo, day, "family", f_jo, sam, note="I only drink at weekends.")
    for day, stage in [
        (dt.date(2023, 3, 1), "precontemplation"),
        (dt.date(2024, 3, 1), "contemplation"),
        (dt.date(2025, 5, 26), "preparation"),
    ]:
        ChangeStage.objects.create(
            family=fam,
            person=jo,
            issue="alcohol",
            stage=stage,
            assessed_on=day,
            rationale=f"Jo is at the {stage} stage.",
            recorded_by=sam.user,
        )
    # Measures: Ava's SDQ (parent report) and Jo's WEMWBS, at assessment and review.
    for day, code in [(dt.date(2023, 3, 1), 2), (dt.date(2025, 5, 20), 1)]:
        measure_services.record_measure(
            person=ava,
            case=case,
            instrument="sdq",
            informant="parent",
            completed_on=day,
            collection_point="assessment" if day.year == 2023 else "review",
            responses={str(n): code for n in range(1, 26)},
            by=sam.user,
        )
        measure_services.record_measure(
            person=jo,
            case=case,
            instrument="wemwbs",
            informant="self",
            completed_on=day,
            collection_point="assessment" if day.year == 2023 else "review",
            responses={str(n): code + 1 for n in range(1, 15)},
            by=sam.user,
        )
    # Supporting Change for Leo, March to June 2025, with sessions in its modules.
    intervention = Intervention.objects.create(
        family=fam,
        child=leo,
        programme=sc,
        programme_version=sc.version,
        referred_by=sam,
        keyworker=sam,
        eligibility="edge_of_care",
        started_on=dt.date(2025, 3, 3),
        planned_end_on=dt.date(2025, 5, 26),
        readiness_answers=[2, 2, 2, 2, 3],
        readiness_score=11,
        readiness_band="Ambivalent",
        legal_status_at_start="cp",
        ended_on=dt.date(2025, 6, 2),
        outcome="remained_home",
        legal_status_at_end="cin",
        outcome_notes="Leo stayed at home; routines are in place.",
        created_by=sam.user,
    )
    sc_modules = list(sc.modules.order_by("number"))
    for week in (0, 1, 2, 4, 5, 8, 10, 12):
        module = sc_modules[min(week // 2, len(sc_modules) - 1)]
        entries.append(
            _entry(
                fam,
                sam,
                dt.date(2025, 3, 3) + dt.timedelta(weeks=week),
                module,
                present=(alex, leo) if week % 2 else (alex, jo, leo),
                tagged=(leo,),
                child_words="I like it when mum reads to me." if week == 10 else "",
                completes_module=week == 12,
            )
        )
    # Group supervision: red in March 2025, amber in May, both signed off.
    gcs = MeetingType.objects.get(slug=GROUP_SUPERVISION)
    meetings = []
    for day, rag in [(dt.date(2025, 3, 5), "red"), (dt.date(2025, 5, 28), "amber")]:
        m = meeting_services.plan_meeting(
            by=mo.user, mtype=gcs, family=fam, case=case, starts_at=at(day), chair=mo
        )
        Attendance.objects.create(meeting=m, person=alex, status=AttendanceStatus.INVITED)
        Contribution.objects.create(
            meeting=m,
            author=dana,
            chapter="da_survivor",
            text="Alex is using her safety plan.",
            created_by=dana.user,
        )
        attendance = {
            a.pk: AttendanceStatus.APOLOGY
            if a.worker_id == dana.pk and rag == "amber"
            else AttendanceStatus.PRESENT
            for a in m.attendances.all()
        }
        m.refresh_from_db()
        meeting_services.record_meeting(
            meeting=m,
            by=mo.user,
            expected_version=m.version,
            held_on=day,
            attendance=attendance,
            rag=rag,
            rag_reason=f"{rag} because of the drinking.",
            worries="Jo's drinking.",
            working_well="Routines.",
            childs_voice="Ava says home is calmer.",
            decisions=[f"Decision at the {rag} meeting."],
            new_actions=[
                meeting_services.NewAction(
                    text="Book the recovery group", owner=sam, due_on=day + dt.timedelta(days=14)
                )
            ],
        )
        m.refresh_from_db()
        meeting_services.sign_off(meeting=m, by=mo.user)
        m.refresh_from_db()
        meetings.append(m)
    return World(
        family=fam,
        case=case,
        alex=alex,
        jo=jo,
        ava=ava,
        leo=leo,
        pat=pat,
        sam=sam,
        dana=dana,
        mo=mo,
        safe_address=safe,
        shared_address=shared,
        jo_home=jo_home,
        intervention=intervention,
        meetings=meetings,
        entries=entries,
    )


@pytest.fixture
def grant_protected():
    def grant(worker: Any, person: Person) -> AccessGrant:
        from familyworkbook.access import policy

        g = AccessGrant.objects.create(
            user=worker.user,
            person=person,
            kind=GrantKind.PROTECTED,
            reason="Letters",
        )
        policy.forget(worker.user)
        return g

    return grant


# --- Checks every document's output must pass ------------------------------------------------

DATE_FIELD = {
    "workbook.entry": "happened_on",
    "workbook.riskneeditem": "identified_on",
    "workbook.goalrating": "rated_on",
    "workbook.changestage": "assessed_on",
    "workbook.toxictrioflag": "flagged_on",
    "workbook.decisionalbalance": "completed_on",
    "workbook.scalinganswer": "asked_on",
    "workbook.goal": "set_on",
    "measures.measureresponse": "completed_on",
    "cases.cinepisode": "referral_on",
    "cases.visit": "visited_on",
    "cases.allocation": "started_on",
    "cases.case": "opened_on",
    "people.address": "from_date",
    "documents.share": "shared_on",
    "documents.parentcomment": "received_on",
}


def _author_of(record: Any) -> str | None:
    """The name a Source should carry for this record, where there is one rule for it."""
    label = record._meta.label_lower
    if label == "workbook.entry":
        return record.author.name if record.author_id else ""
    if label == "workbook.changestage":
        return record.recorded_by.get_full_name()
    return None


def all_sources(filled: Filled) -> list:
    return filled.sources()


def assert_traceable(filled: Filled) -> int:
    """Every fact's Source names a record that exists, with its date and author. Returns the
    number of sources checked (so a test can insist there were some)."""
    checked = 0
    for source in filled.sources():
        if source.model == "legislation":
            assert source.url.startswith("https://www.legislation.gov.uk/")
            continue
        model = apps.get_model(source.model)
        record = model._default_manager.filter(pk=source.pk).first()
        assert record is not None, f"{source.model} {source.pk} does not exist"
        field = DATE_FIELD.get(model._meta.label_lower)
        if field:
            assert source.date == getattr(record, field), (source, getattr(record, field))
        author = _author_of(record)
        if author is not None:
            assert source.author == author, (source, author)
        assert source.reference()
        checked += 1
    return checked


def text_of(filled: Filled) -> str:
    parts = [f.text + " " + f.about for f in filled.facts]
    for table in filled.tables:
        parts.append(table.caption)
        for row in table.rows:
            parts.extend(c.text if isinstance(c, Fact) else str(c) for c in row)
    parts.extend(filled.svgs)
    parts.extend(filled.notes)
    return "\n".join(parts)


# --- The world itself ------------------------------------------------------------------------


def test_the_letter_recipients_are_the_parents_with_pr_not_the_grandmother(world):
    names = [p.full_name for p in letters.recipients(world.sam.user, world.family)]
    assert names == ["Alex Smith", "Jo Smith"]


def test_a_worker_in_another_team_gets_no_recipients(world, priya):
    assert letters.recipients(priya.user, world.family) == []
