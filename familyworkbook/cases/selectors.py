"""Reads for the record pages: one way in to each record, and page shapes in a fixed number of queries.

Every read starts from a `visible_to(user)` QuerySet so the access issue can tighten who sees
what in one place. Page selectors load everything a page shows with prefetches whose number
does not depend on how many members, cases or episodes there are: the family and caseload
pages are the busiest in the product, and a query per row would make a large family slow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.core import scoping
from familyworkbook.core.codes import Disability
from familyworkbook.people.models import (
    PARENTING_KINDS,
    Address,
    Family,
    FamilyMembership,
    Person,
    PersonKind,
    Registration,
    Relationship,
)
from familyworkbook.teams.models import Post, Team, User, Worker

CHILD_KINDS = (PersonKind.CHILD, PersonKind.UNBORN)
RECENT_VISITS = 10


# --- One way in to each record -------------------------------------------------------------


def _person_label(person: Person) -> str:
    return person.full_name


def get_family_for(user: User, family_id: Any, *, request: Any = None) -> Family:
    """The family, or 404; the read is audited (who has seen this record)."""
    return scoping.get_for(
        user,
        Family.objects.visible_to(user),
        family_id,
        audit_read=True,
        label=str,
        request=request,
    )


def get_person_for(user: User, person_id: Any, *, request: Any = None) -> Person:
    """The person, or 404; the read is audited (who has seen this record)."""
    return scoping.get_for(
        user,
        Person.objects.visible_to(user),
        person_id,
        audit_read=True,
        label=_person_label,
        request=request,
    )


def get_child_for(user: User, person_id: Any) -> Person:
    """A child or unborn child; statutory events are never recorded against an adult.

    An adult's id gives 404 like a missing one, so a mistyped address cannot record a
    referral against a parent.
    """
    return scoping.get_for(
        user,
        Person.objects.visible_to(user).filter(kind__in=CHILD_KINDS),
        person_id,
        audit_read=True,
        label=_person_label,
    )


def get_case_for(user: User, case_id: Any) -> Case:
    return scoping.get_for(
        user, Case.objects.visible_to(user).select_related("family", "team"), case_id
    )


def get_allocation_for(user: User, allocation_id: Any) -> Allocation:
    return scoping.get_for(
        user,
        Allocation.objects.filter(
            case__in=Case.objects.visible_to(user), archived_at__isnull=True
        ).select_related("case__family", "case__team", "worker__user"),
        allocation_id,
    )


def _visible_children(user: User) -> QuerySet[Person]:
    return Person.objects.visible_to(user).filter(kind__in=CHILD_KINDS)


def get_child_record_for(user: User, model: type[Any], record_id: int) -> Any:
    """An episode, plan or proceedings row, reached only through a child the user may see."""
    if model in (CinPlan, CpPlan, Assessment, Section47):
        lookup = {"episode__child__in": _visible_children(user)}
        related: tuple[str, ...] = ("episode__child",)
    elif model is CpReview:
        lookup = {"plan__episode__child__in": _visible_children(user)}
        related = ("plan__episode__child",)
    else:
        lookup = {"child__in": _visible_children(user)}
        related = ("child",)
    queryset = model.objects.filter(archived_at__isnull=True, **lookup).select_related(*related)
    return scoping.get_for(user, queryset, record_id)


def get_team_for(user: User, team_id: Any) -> Team:
    """Any live team: the team list is reference data; its cases are filtered by visible_to."""
    if not user.is_authenticated:
        raise Http404
    return scoping.get_for(user, Team.objects.filter(archived_at__isnull=True), team_id)


def worker_of(user: User) -> Worker | None:
    """The signed-in user's worker profile, or None (a bare superuser has none)."""
    if not user.is_authenticated:
        return None
    return Worker.objects.filter(user=user).select_related("user").first()


# --- Statuses at a glance ------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    label: str
    colour: str  # a govuk-tag modifier: red, purple, orange, pink, blue, grey

    @property
    def css(self) -> str:
        return f"govuk-tag govuk-tag--{self.colour}"


def status_prefetches() -> list[Prefetch]:
    """What `statuses_of` reads: open episodes (with open plans), looked-after, PLO, proceedings."""
    return [
        Prefetch(
            "cin_episodes",
            queryset=CinEpisode.objects.open()
            .with_re_referral()
            .select_related("case__team")
            .prefetch_related(
                Prefetch("cin_plans", queryset=CinPlan.objects.open(), to_attr="open_cin_plans"),
                Prefetch("cp_plans", queryset=CpPlan.objects.open(), to_attr="open_cp_plans"),
            ),
            to_attr="open_episodes",
        ),
        Prefetch(
            "looked_after_episodes",
            queryset=LookedAfterEpisode.objects.open(),
            to_attr="open_looked_after",
        ),
        Prefetch(
            "pre_proceedings",
            queryset=PreProceedings.objects.open(),
            to_attr="open_pre_proceedings",
        ),
        Prefetch(
            "care_proceedings",
            queryset=CareProceedings.objects.filter(
                concluded_on__isnull=True, archived_at__isnull=True
            ),
            to_attr="open_care_proceedings",
        ),
    ]


def statuses_of(person: Person) -> list[Status]:
    """The child's current statutory statuses, most serious first, from `status_prefetches`."""
    statuses: list[Status] = []
    episodes = getattr(person, "open_episodes", [])
    for episode in episodes:
        for plan in episode.open_cp_plans:
            statuses.append(
                Status(
                    _("CP plan: %(category)s") % {"category": plan.get_latest_category_display()},
                    "red",
                )
            )
    for lac in getattr(person, "open_looked_after", []):
        statuses.append(
            Status(_("CLA: %(status)s") % {"status": lac.get_legal_status_display()}, "purple")
        )
    for _proceedings in getattr(person, "open_care_proceedings", []):
        statuses.append(Status(_("Care proceedings"), "pink"))
    for _plo in getattr(person, "open_pre_proceedings", []):
        statuses.append(Status(_("PLO"), "orange"))
    for episode in episodes:
        for _plan in episode.open_cin_plans:
            statuses.append(Status(_("CIN plan"), "blue"))
    if episodes and not statuses:
        statuses.append(Status(_("Referral"), "grey"))
    return statuses


def attach_statuses(people: Iterable[Person]) -> None:
    """Load and set `person.statuses` for each person, in a fixed number of queries."""
    people = list(people)
    prefetch_related_objects(people, *status_prefetches())
    for person in people:
        person.statuses = statuses_of(person)  # type: ignore[attr-defined]


# --- The family page -----------------------------------------------------------------------


@dataclass
class RelationshipRow:
    person: Person
    kind_label: str
    other: Person
    parental_responsibility: bool
    is_main_carer: bool


@dataclass
class FamilyPage:
    family: Family
    memberships: list[FamilyMembership]
    relationships: list[RelationshipRow]
    open_cases: list[Case]
    open_episodes: list[CinEpisode] = field(default_factory=list)


def current_memberships(user: User, family: Family) -> QuerySet[FamilyMembership]:
    """Current members the user may see: a restricted member is left out of the page."""
    return (
        FamilyMembership.objects.filter(
            family=family,
            ended_on__isnull=True,
            archived_at__isnull=True,
            person__in=Person.objects.visible_to(user).values("pk"),
        )
        .select_related("person")
        .order_by("kind", "person__date_of_birth", "person__pk")
    )


def family_relationships(people: Sequence[Person]) -> list[RelationshipRow]:
    """One row per pair of members, read from the carer's side where there is one.

    Relationships are stored twice (with their inverse). Showing both rows would say
    everything twice; parental responsibility and main carer sit on the carer's row.
    """
    ids = [p.pk for p in people]
    by_id = {p.pk: p for p in people}
    rows = Relationship.objects.filter(
        person_id__in=ids, other_id__in=ids, archived_at__isnull=True, ended_on__isnull=True
    ).order_by("pk")
    chosen: dict[frozenset[int], Relationship] = {}
    for rel in rows:
        pair = frozenset((rel.person_id, rel.other_id))
        current = chosen.get(pair)
        if current is None or _carer_side_rank(rel) > _carer_side_rank(current):
            chosen[pair] = rel
    result = [
        RelationshipRow(
            person=by_id[rel.person_id],
            kind_label=rel.get_kind_display(),
            other=by_id[rel.other_id],
            parental_responsibility=rel.parental_responsibility,
            is_main_carer=rel.is_main_carer,
        )
        for rel in chosen.values()
    ]
    result.sort(key=lambda r: (r.person.pk, r.other.pk))
    return result


def _carer_side_rank(rel: Relationship) -> int:
    return 4 * rel.parental_responsibility + 2 * rel.is_main_carer + (rel.kind in PARENTING_KINDS)


def open_cases_of(user: User, family: Family) -> list[Case]:
    return list(
        Case.objects.visible_to(user)
        .open()
        .filter(family=family)
        .for_caseload()
        .order_by("opened_on", "pk")
    )


def family_page(user: User, family: Family) -> FamilyPage:
    memberships = list(current_memberships(user, family))
    people = [m.person for m in memberships]
    attach_statuses(people)
    open_episodes = [ep for person in people for ep in getattr(person, "open_episodes", [])]
    for person in people:
        for ep in getattr(person, "open_episodes", []):
            ep.child = person  # already loaded: saves a query per episode in the template
    open_episodes.sort(key=lambda ep: (ep.referral_on, ep.pk))
    return FamilyPage(
        family=family,
        memberships=memberships,
        relationships=family_relationships(people),
        open_cases=open_cases_of(user, family),
        open_episodes=open_episodes,
    )


# --- The person page -----------------------------------------------------------------------


@dataclass
class PersonPage:
    person: Person
    addresses: list[Address]
    families: list[Family]
    relationships: list[Relationship]
    episodes: list[CinEpisode] = field(default_factory=list)
    looked_after: list[LookedAfterEpisode] = field(default_factory=list)
    pre_proceedings: list[PreProceedings] = field(default_factory=list)
    care_proceedings: list[CareProceedings] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    # True when a current protected address is held that this user may not see, and the
    # policy lets them be told so (never a perpetrator worker).
    protected_address_withheld: bool = False
    # Current schools and GP practices; a hidden child's only with a grant (like an address).
    registrations: list[Registration] = field(default_factory=list)
    protected_registration_withheld: bool = False

    @property
    def is_child(self) -> bool:
        return self.person.kind in CHILD_KINDS

    @property
    def disabilities(self) -> list[str]:
        labels = dict(Disability.choices)
        return [str(labels.get(code, code)) for code in self.person.disabilities or []]

    @property
    def open_episode(self) -> CinEpisode | None:
        return next((ep for ep in self.episodes if ep.closed_on is None), None)

    @property
    def open_looked_after(self) -> LookedAfterEpisode | None:
        return next((ep for ep in self.looked_after if ep.ceased_on is None), None)

    @property
    def open_pre_proceedings(self) -> PreProceedings | None:
        return next((p for p in self.pre_proceedings if p.ended_on is None), None)

    @property
    def open_care_proceedings(self) -> CareProceedings | None:
        return next((p for p in self.care_proceedings if p.concluded_on is None), None)


def person_page(user: User, person: Person) -> PersonPage:
    page = PersonPage(
        person=person,
        # Protected addresses the user has no grant for are left out, not masked.
        addresses=list(
            Address.objects.visible_to(user).filter(person=person, to_date__isnull=True)
        ),
        families=list(
            Family.objects.visible_to(user)
            .filter(
                memberships__person=person,
                memberships__ended_on__isnull=True,
                memberships__archived_at__isnull=True,
            )
            .distinct()
        ),
        relationships=list(
            # Rows where the other person is "the kind of" this person: "Alex — Parent (PR)".
            Relationship.objects.filter(
                other=person,
                archived_at__isnull=True,
                person__in=Person.objects.visible_to(user).values("pk"),
            )
            .select_related("person")
            .order_by("ended_on", "kind", "pk")
        ),
    )
    if scoping.allows(user, "told_of_protected_details"):
        page.protected_address_withheld = (
            Address.objects.ongoing()
            .filter(person=person, protected=True)
            .exclude(pk__in=[a.pk for a in page.addresses])
            .exists()
        )
    page.registrations = list(
        Registration.objects.visible_to(user).filter(person=person, to_date__isnull=True)
    )
    if scoping.allows(user, "told_of_protected_details"):
        page.protected_registration_withheld = (
            Registration.objects.ongoing()
            .filter(person=person, hidden=True)
            .exclude(pk__in=[r.pk for r in page.registrations])
            .exists()
        )
    if not page.is_child:
        return page
    live = {"archived_at__isnull": True}
    page.episodes = list(
        CinEpisode.objects.filter(child=person, **live)
        .with_re_referral()
        .select_related("case__team")
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.filter(**live)),
            Prefetch("section47s", queryset=Section47.objects.filter(**live)),
            Prefetch("cin_plans", queryset=CinPlan.objects.filter(**live)),
            Prefetch(
                "cp_plans",
                queryset=CpPlan.objects.filter(**live).prefetch_related(
                    Prefetch("reviews", queryset=CpReview.objects.filter(**live))
                ),
            ),
            "secondary_needs",
        )
    )
    page.looked_after = list(
        LookedAfterEpisode.objects.filter(child=person, **live).order_by("-started_on", "-pk")
    )
    page.pre_proceedings = list(
        PreProceedings.objects.filter(child=person, **live).order_by("-started_on", "-pk")
    )
    page.care_proceedings = list(
        CareProceedings.objects.filter(child=person, **live).order_by("-issued_on", "-pk")
    )
    page.visits = list(
        Visit.objects.filter(child=person, **live).select_related("by__user")[:RECENT_VISITS]
    )
    # The statuses come from what the page already loaded, in the shape `statuses_of` reads.
    for episode in page.episodes:
        episode.open_cin_plans = [p for p in episode.cin_plans.all() if p.ended_on is None]
        episode.open_cp_plans = [p for p in episode.cp_plans.all() if p.ended_on is None]
    person.open_episodes = [ep for ep in page.episodes if ep.closed_on is None]
    person.open_looked_after = [e for e in page.looked_after if e.ceased_on is None]
    person.open_pre_proceedings = [p for p in page.pre_proceedings if p.ended_on is None]
    person.open_care_proceedings = [p for p in page.care_proceedings if p.concluded_on is None]
    person.statuses = statuses_of(person)
    return page


# --- Caseloads -----------------------------------------------------------------------------


def _last_visit_on() -> Subquery:
    return Subquery(
        Visit.objects.filter(child=OuterRef("person_id"), archived_at__isnull=True)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )


def attach_children(cases: Sequence[Case]) -> None:
    """Set `case.children`: the family's current child members with statuses and last visit."""
    families = {c.family_id: c.family for c in cases}
    if not families:
        return
    memberships = list(
        FamilyMembership.objects.filter(
            family_id__in=families,
            ended_on__isnull=True,
            archived_at__isnull=True,
            person__kind__in=CHILD_KINDS,
            person__archived_at__isnull=True,
        )
        .select_related("person")
        .annotate(last_visit_on=_last_visit_on())
        .order_by("person__date_of_birth", "person__pk")
    )
    attach_statuses(m.person for m in memberships)
    by_family: dict[int, list[Person]] = {}
    for m in memberships:
        m.person.last_visit_on = m.last_visit_on  # type: ignore[attr-defined]
        by_family.setdefault(m.family_id, []).append(m.person)
    for case in cases:
        case.children = by_family.get(case.family_id, [])  # type: ignore[attr-defined]


def my_open_cases(user: User, worker: Worker | None) -> QuerySet[Case]:
    if worker is None:
        return Case.objects.none()
    return (
        Case.objects.visible_to(user)
        .open()
        .filter(Exists(Allocation.objects.current().filter(case=OuterRef("pk"), worker=worker)))
        .for_caseload()
        .order_by("opened_on", "pk")
    )


@dataclass(frozen=True)
class CaseloadCounts:
    cases: int
    as_lead: int
    children: int
    children_on_cp_plans: int
    children_looked_after: int


def caseload_counts(cases: QuerySet[Case], worker: Worker | None) -> CaseloadCounts:
    """Headline numbers for a set of open cases, each one query whatever the caseload size."""
    if worker is None:
        return CaseloadCounts(0, 0, 0, 0, 0)
    plain = cases.order_by().values("pk")
    children = Person.objects.filter(
        kind__in=CHILD_KINDS,
        archived_at__isnull=True,
        memberships__family__cases__in=plain,
        memberships__ended_on__isnull=True,
        memberships__archived_at__isnull=True,
    ).distinct()
    return CaseloadCounts(
        cases=plain.count(),
        as_lead=Allocation.objects.current()
        .filter(case__in=plain, worker=worker, is_lead=True)
        .count(),
        children=children.count(),
        children_on_cp_plans=children.filter(
            Exists(
                CpPlan.objects.open().filter(
                    episode__child=OuterRef("pk"), episode__archived_at__isnull=True
                )
            )
        ).count(),
        children_looked_after=children.filter(
            Exists(LookedAfterEpisode.objects.open().filter(child=OuterRef("pk")))
        ).count(),
    )


def my_role_on(case: Case, worker: Worker) -> Allocation | None:
    return next(
        (a for a in getattr(case, "current_allocations", []) if a.worker_id == worker.pk), None
    )


def teams_with_counts(user: User) -> QuerySet[Team]:
    open_cases = (
        Case.objects.visible_to(user)
        .open()
        .filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Team.objects.filter(
            pk__in=Team.objects.of_user(user).values("pk"), archived_at__isnull=True
        )
        .select_related("district")
        .annotate(open_cases=Coalesce(Subquery(open_cases), 0))
        .order_by("name")
    )


def team_open_cases(user: User, team: Team) -> QuerySet[Case]:
    """A team's open cases, unallocated first (they need a manager's attention), then oldest."""
    allocated = Allocation.objects.current().filter(case=OuterRef("pk"))
    return (
        Case.objects.visible_to(user)
        .open()
        .filter(team=team)
        .annotate(is_allocated=Exists(allocated))
        .for_caseload()
        .order_by("is_allocated", "opened_on", "pk")
    )


def team_worker_caseloads(user: User, team: Team) -> QuerySet[Worker]:
    """Workers serving the team, or allocated to its open cases, with their caseload in it."""
    # Read the team's visible open cases once: as a nested subquery, PostgreSQL re-ran the
    # access policy for every worker row (2.2 s at 20,000 families; a few ms this way).
    team_cases = list(
        Case.objects.visible_to(user).open().filter(team=team).values_list("pk", flat=True)
    )
    allocations = Allocation.objects.current().filter(case__in=team_cases)

    def count(**extra: Any) -> Coalesce:
        return Coalesce(
            Subquery(
                allocations.filter(worker=OuterRef("pk"), **extra)
                .order_by()
                .values("worker")
                .annotate(n=Count("case", distinct=True))
                .values("n")
            ),
            0,
        )

    serving = Post.objects.filter(
        teams=team, disestablished_on__isnull=True, holder__isnull=False
    ).values("holder")
    return (
        Worker.objects.filter(Q(pk__in=serving) | Q(pk__in=allocations.values("worker")))
        .select_related("user")
        .annotate(caseload=count(), lead_on=count(is_lead=True))
        .order_by("user__last_name", "user__first_name", "pk")
    )


def children_of(family: Family) -> QuerySet[Person]:
    return Person.objects.filter(
        kind__in=CHILD_KINDS,
        archived_at__isnull=True,
        memberships__family=family,
        memberships__ended_on__isnull=True,
        memberships__archived_at__isnull=True,
    ).distinct()


def open_cases_for_child(user: User, child: Person) -> QuerySet[Case]:
    """Open cases of the families the child currently belongs to (for the optional case select)."""
    families = FamilyMembership.objects.filter(
        person=child, ended_on__isnull=True, archived_at__isnull=True
    ).values("family")
    return (
        Case.objects.visible_to(user)
        .open()
        .filter(family__in=families)
        .select_related("family", "team")
        .order_by("opened_on", "pk")
    )
