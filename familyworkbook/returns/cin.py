"""The Children in Need census (DfE XML, 2025/26 format) read from the recorded episodes.

One <Child> per child with an episode of need open at any time in the collection year; one
<CINdetails> per such episode, its modules in the schema's order. Anything dated after
31 March is left out (as at the census date it had not happened): a closure after the year
makes the episode open, a plan ending after it makes the plan open, and so on.

`build_cin_census(year)` returns the XML and the problems that would make it fail the DfE
rules; `returns.services.export_cin_census` decides whether to write it and audits it.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from familyworkbook.cases.models import (
    Assessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    Section47,
)
from familyworkbook.people.models import Person, PersonKind
from familyworkbook.returns.identity import identity_problems
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import Problem, child_ref

RETURN = "CIN census"
SOFTWARE_CODE = "family-workbook"
RELEASE = "1.0"
FORTY_WEEKS = dt.timedelta(weeks=40)


@dataclass
class CinCensus:
    year: CollectionYear
    xml: bytes = b""
    children: int = 0
    episodes: int = 0
    problems: list[Problem] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)  # the children in the file


def _live() -> Q:
    return Q(archived_at__isnull=True)


def episodes_in(year: CollectionYear, children: Iterable[int] | None = None):  # type: ignore[no-untyped-def]
    """Episodes of need open at any time in the year, with everything the census reads."""
    qs = (
        CinEpisode.objects.filter(_live(), child__archived_at__isnull=True)
        .filter(referral_on__lte=year.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year.start))
        .select_related("child")
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.filter(_live())),
            Prefetch("section47s", queryset=Section47.objects.filter(_live())),
            Prefetch("cin_plans", queryset=CinPlan.objects.filter(_live())),
            Prefetch(
                "cp_plans",
                queryset=CpPlan.objects.filter(_live()).prefetch_related(
                    Prefetch("reviews", queryset=CpReview.objects.filter(_live()))
                ),
            ),
        )
        .order_by("child__la_child_id", "child_id", "referral_on", "pk")
    )
    if children is not None:
        qs = qs.filter(child_id__in=list(children))
    return qs


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _add(parent: ET.Element, tag: str, value: object) -> ET.Element | None:
    if value is None or value == "":
        return None
    element = ET.SubElement(parent, tag)
    element.text = str(value)
    return element


def _header(root: ET.Element, year: CollectionYear) -> None:
    header = ET.SubElement(root, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", year.year)
    _add(details, "ReferenceDate", year.end.isoformat())
    source = ET.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", settings.COUNCIL_DFE_LA_NUMBER)
    _add(source, "SoftwareCode", SOFTWARE_CODE)
    _add(source, "Release", RELEASE)
    _add(source, "SerialNo", "001")
    _add(source, "DateTime", timezone.localtime().replace(microsecond=0, tzinfo=None).isoformat())
    content = ET.SubElement(header, "Content")
    levels = ET.SubElement(content, "CBDSLevels")
    _add(levels, "CBDSLevel", "Child")


def unborn_on(child: Person, day: dt.date) -> bool:
    """Not yet born on `day`: an unborn child, or one born after it (unborn at the census date)."""
    if child.kind == PersonKind.UNBORN:
        return True
    return child.date_of_birth is not None and child.date_of_birth > day


def _identifiers(parent: ET.Element, child: Person, year: CollectionYear) -> None:
    ids = ET.SubElement(parent, "ChildIdentifiers")
    _add(ids, "LAchildID", child.la_child_id)
    _add(ids, "UPN", child.upn)
    if not child.upn:
        _add(ids, "UPNunknown", child.upn_unknown_reason)
    if unborn_on(child, year.end):
        # As at 31 March the child was not yet born: the census has the due date.
        due = child.expected_date_of_birth or child.date_of_birth
        _add(ids, "ExpectedPersonBirthDate", _iso(due))
        _add(ids, "Sex", "U")
    else:
        _add(ids, "PersonBirthDate", _iso(child.date_of_birth))
        _add(ids, "Sex", child.sex)
    _add(ids, "PersonDeathDate", _iso(child.date_of_death))
    characteristics = ET.SubElement(parent, "ChildCharacteristics")
    _add(characteristics, "Ethnicity", child.ethnicity)
    disabilities = ET.SubElement(characteristics, "Disabilities")
    for code in child.disabilities or []:
        _add(disabilities, "Disability", code)


def _cin_details(
    parent: ET.Element, episode: CinEpisode, year: CollectionYear, previous_cpp: list[dt.date]
) -> None:
    details = ET.SubElement(parent, "CINdetails")
    closed_on = year.within(episode.closed_on)
    _add(details, "CINreferralDate", _iso(episode.referral_on))
    _add(details, "ReferralSource", episode.referral_source)
    _add(details, "PrimaryNeedCode", episode.primary_need)
    if closed_on:
        _add(details, "CINclosureDate", _iso(closed_on))
        _add(details, "ReasonForClosure", episode.closure_reason)
    for assessment in episode.assessments.all():
        if assessment.started_on > year.end:
            continue
        authorised = year.within(assessment.authorised_on)
        if authorised and authorised < year.start:
            continue
        block = ET.SubElement(details, "Assessments")
        _add(block, "AssessmentActualStartDate", _iso(assessment.started_on))
        _add(block, "AssessmentAuthorisationDate", _iso(authorised))
        if authorised and assessment.factors:
            factors = ET.SubElement(block, "FactorsIdentifiedAtAssessment")
            for code in assessment.factors:
                _add(factors, "AssessmentFactors", code)
    for plan in episode.cin_plans.all():
        if not year.overlaps(plan.started_on, plan.ended_on):
            continue
        block = ET.SubElement(details, "CINPlanDates")
        _add(block, "CINPlanStartDate", _iso(plan.started_on))
        _add(block, "CINPlanEndDate", _iso(year.within(plan.ended_on)))
    for s47 in episode.section47s.all():
        icpc = year.within(s47.icpc_on)
        concluded = icpc or (s47.icpc_not_required and s47.started_on)
        if s47.started_on > year.end or (concluded and concluded < year.start):
            continue
        block = ET.SubElement(details, "Section47")
        _add(block, "S47ActualStartDate", _iso(s47.started_on))
        _add(block, "InitialCPCtarget", _iso(s47.icpc_target_on))
        _add(block, "DateOfInitialCPC", _iso(icpc))
        _add(block, "ICPCnotRequired", "true" if s47.icpc_not_required else "false")
    _add(details, "ReferralNFA", "true" if episode.referral_nfa else "false")
    for plan in episode.cp_plans.all():
        if not year.overlaps(plan.started_on, plan.ended_on):
            continue
        block = ET.SubElement(details, "ChildProtectionPlans")
        _add(block, "CPPstartDate", _iso(plan.started_on))
        _add(block, "CPPendDate", _iso(year.within(plan.ended_on)))
        _add(block, "InitialCategoryOfAbuse", plan.initial_category)
        _add(block, "LatestCategoryOfAbuse", plan.latest_category)
        _add(block, "NumberOfPreviousCPP", sum(1 for d in previous_cpp if d < plan.started_on))
        dates = [r.held_on for r in plan.reviews.all() if year.start <= r.held_on <= year.end]
        if dates:
            # Every review date of the plan in the year, in one <Reviews> block (DfE schema).
            reviews = ET.SubElement(block, "Reviews")
            for day in sorted(dates):
                _add(reviews, "CPPreviewDate", day.isoformat())


def episode_problems(
    episode: CinEpisode, year: CollectionYear, *, during_year: bool = False
) -> list[Problem]:
    """The DfE rules an episode would break, in the record's words.

    `during_year`: checking before 31 March, when an open episode still being assessed has
    no primary need yet (it is recorded when the assessment identifies it).
    """
    child = episode.child
    ref = child_ref(child)
    problems: list[Problem] = []

    def add(rule: str, fld: str, message: str) -> None:
        problems.append(Problem(RETURN, rule, fld, message, child.pk, ref))

    closed_on = year.within(episode.closed_on)
    referred = episode.referral_on
    born = child.date_of_birth or child.expected_date_of_birth
    if born and referred < born - FORTY_WEEKS:
        add(
            "8606",
            "referral date",
            "The referral is more than 40 weeks before the birth or due date.",
        )
    assessing = (
        during_year
        and closed_on is None
        and not any(a.authorised_on for a in episode.assessments.all())
    )
    if not episode.referral_nfa and not episode.primary_need and not assessing:
        add(
            "8610",
            "primary need",
            f"The episode referred on {referred:%d/%m/%Y} needs a primary need code.",
        )
    assessments = [a for a in episode.assessments.all() if a.started_on <= year.end]
    s47s = [s for s in episode.section47s.all() if s.started_on <= year.end]
    cin_plans = [p for p in episode.cin_plans.all() if year.overlaps(p.started_on, p.ended_on)]
    cp_plans = [p for p in episode.cp_plans.all() if year.overlaps(p.started_on, p.ended_on)]
    if episode.referral_nfa and (cin_plans or cp_plans or s47s):
        add(
            "4000",
            "no further action at referral",
            "A referral marked 'no further action' has plans or a section 47 enquiry.",
        )
    for a in assessments:
        authorised = year.within(a.authorised_on)
        if authorised is None and a.started_on < year.start:
            add(
                "8736",
                "assessment",
                f"The assessment started {a.started_on:%d/%m/%Y} is not authorised and started before this year.",
            )
        if closed_on and authorised is None:
            add(
                "8867",
                "assessment authorisation date",
                f"The episode is closed but the assessment started {a.started_on:%d/%m/%Y} is not authorised.",
            )
        if closed_on and authorised and authorised > closed_on:
            add(
                "8565",
                "assessment authorisation date",
                "The assessment is authorised after the episode closed.",
            )
    icpcs: set[dt.date] = set()
    for s in s47s:
        icpc = year.within(s.icpc_on)
        if icpc:
            icpcs.add(icpc)
            if icpc.weekday() >= 5:
                add(
                    "8875",
                    "initial conference date",
                    f"The conference on {icpc:%d/%m/%Y} is at a weekend.",
                )
        elif not s.icpc_not_required:
            if closed_on:
                add(
                    "8868",
                    "section 47 enquiry",
                    "The episode is closed but its section 47 enquiry has no conference date and is not marked 'conference not required'.",
                )
            elif s.started_on < year.start:
                add(
                    "8740",
                    "section 47 enquiry",
                    f"The enquiry started {s.started_on:%d/%m/%Y} has had no conference and started before this year.",
                )
    for plan in cp_plans:
        if plan.started_on not in icpcs and plan.started_on >= year.start:
            add(
                "2885",
                "child protection plan start date",
                f"The plan starting {plan.started_on:%d/%m/%Y} does not start on the day of an initial conference.",
            )
        for cin in cin_plans:
            if _overlap(cin.started_on, cin.ended_on, plan.started_on, plan.ended_on):
                add(
                    "4001",
                    "child in need plan",
                    "A child in need plan runs at the same time as a child protection plan.",
                )
        for review in plan.reviews.all():
            if review.held_on <= plan.started_on:
                add("8841", "review conference date", "A review is on or before the plan's start.")
    for kind, plans in (("child in need", cin_plans), ("child protection", cp_plans)):
        if sum(1 for p in plans if year.within(p.ended_on) is None) > 1:
            add(
                "4004" if kind == "child in need" else "8935",
                f"{kind} plan",
                f"More than one open {kind} plan.",
            )
        if closed_on:
            for p in plans:
                ended = year.within(p.ended_on)
                if ended is None or ended > closed_on:
                    add(
                        "8565",
                        f"{kind} plan end date",
                        f"The {kind} plan runs past the episode's closure.",
                    )
    if episode.closure_reason in {"RC8", "RC9"} and closed_on and (cin_plans or cp_plans or s47s):
        add(
            "2990",
            "reason for closure",
            "'Closed after assessment' is only for an episode with an assessment and nothing else.",
        )
    if child.upn_unknown_reason == "UN7" and not episode.referral_nfa:
        add("8772", "reason UPN is not known", "UN7 is only for referrals with no further action.")
    return problems


def _overlap(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    far = dt.date.max
    return a_start < (b_end or far) and b_start < (a_end or far)


def child_episode_problems(episodes: list[CinEpisode], year: CollectionYear) -> list[Problem]:
    """Rules across a child's episodes: one open episode, the latest, no overlaps."""
    problems: list[Problem] = []
    for earlier, later in zip(episodes, episodes[1:], strict=False):
        closed = year.within(earlier.closed_on)
        if closed is None or closed >= later.referral_on:
            child = later.child
            problems.append(
                Problem(
                    RETURN,
                    "8820",
                    "episode dates",
                    f"The episode referred on {later.referral_on:%d/%m/%Y} starts before the previous one closed.",
                    child.pk,
                    child_ref(child),
                )
            )
    return problems


def build_cin_census(
    year: CollectionYear,
    children: Iterable[int] | None = None,
    *,
    during_year: bool = False,
    batch: int = 2000,
) -> CinCensus:
    """The census XML and its problems, read `batch` children at a time (memory stays flat)."""
    result = CinCensus(year=year)
    ids = list(
        dict.fromkeys(
            episodes_in(year, children)
            .order_by("child__la_child_id", "child_id")
            .values_list("child_id", flat=True)
        )
    )
    root = ET.Element("Message")
    _header(root, year)
    ET.indent(root)
    head = ET.tostring(root, encoding="unicode").removesuffix("</Message>")
    parts = ["<?xml version='1.0' encoding='UTF-8'?>\n", head.rstrip() + "\n  <Children>\n"]
    seen_ids: dict[str, int] = {}
    for offset in range(0, len(ids), batch):
        chunk = ids[offset : offset + batch]
        by_child: dict[int, list[CinEpisode]] = defaultdict(list)
        for episode in episodes_in(year, chunk):
            by_child[episode.child_id].append(episode)
        previous: dict[int, list[dt.date]] = defaultdict(list)
        for child_id, started in CpPlan.objects.filter(
            _live(), episode__archived_at__isnull=True, episode__child_id__in=chunk
        ).values_list("episode__child_id", "started_on"):
            previous[child_id].append(started)
        for child_id in chunk:
            episodes = by_child[child_id]
            child = episodes[0].child
            result.problems += identity_problems(child, RETURN, year)
            if child.la_child_id in seen_ids:
                result.problems.append(
                    Problem(
                        RETURN,
                        "8510",
                        "LA child ID",
                        "Two children share this LA child ID.",
                        child.pk,
                        child_ref(child),
                    )
                )
            seen_ids[child.la_child_id] = child.pk
            result.problems += child_episode_problems(episodes, year)
            child_el = ET.Element("Child")
            _identifiers(child_el, child, year)
            for episode in episodes:
                result.problems += episode_problems(episode, year, during_year=during_year)
                _cin_details(child_el, episode, year, previous[child_id])
                result.episodes += 1
            result.children += 1
            result.person_ids.append(child_id)
            ET.indent(child_el, level=2)
            parts.append("    " + ET.tostring(child_el, encoding="unicode").rstrip() + "\n")
    parts.append("  </Children>\n</Message>\n")
    result.xml = "".join(parts).encode("utf-8")
    return result
