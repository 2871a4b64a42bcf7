"""What the demo county holds, and the case mix it achieved, for comparison with SEED-NUMBERS.md.

Every figure is counted from the database, not from the generator's own tallies, so the
summary also checks that what was meant to be saved was saved.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import mean

from django.db.models import Count, Exists, OuterRef, Q, Sum

from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    EpisodeSecondaryNeed,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.people.models import (
    Address,
    Family,
    Person,
    PersonKind,
    Registration,
    Relationship,
)
from familyworkbook.teams.models import (
    District,
    EmploymentType,
    Organisation,
    Post,
    Role,
    Team,
    TeamKind,
    User,
    Worker,
)

YEAR = 365.25
ROLE_LABELS = dict(Role.choices)


@dataclass
class Summary:
    anchor: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    posts: list[tuple[str, int, int, int, Decimal]] = field(
        default_factory=list
    )  # role, posts, filled, vacant, FTE
    workers: dict[str, int] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)
    caseload: dict[str, float] = field(default_factory=dict)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def collect(anchor: dt.date) -> Summary:
    """Count everything and work out the achieved shares (fixed number of queries)."""
    s = Summary(anchor=anchor)
    open_cases = Case.objects.open()
    s.counts = {
        "organisations": Organisation.objects.count(),
        "districts": District.objects.count(),
        "teams": Team.objects.count(),
        "fsts": Team.objects.filter(kind=TeamKind.FAMILY_SAFEGUARDING).count(),
        "workers": Worker.objects.count(),
        "agency": Worker.objects.filter(employment_type=EmploymentType.AGENCY).count(),
        "asye": Worker.objects.filter(employment_type=EmploymentType.ASYE).count(),
        "demo_users": User.objects.filter(username__in=Role.values).count(),
        "families": Family.objects.count(),
        "children": Person.objects.filter(kind=PersonKind.CHILD).count(),
        "unborn": Person.objects.filter(kind=PersonKind.UNBORN).count(),
        "adults": Person.objects.filter(kind=PersonKind.ADULT).count(),
        "relationships": Relationship.objects.count(),
        "cases_open": open_cases.count(),
        "cases_closed": Case.objects.filter(closed_on__isnull=False).count(),
        "episodes": CinEpisode.objects.count(),
        "episodes_open": CinEpisode.objects.open().count(),
        "assessments": Assessment.objects.count(),
        "section47s": Section47.objects.count(),
        "cin_plans_open": CinPlan.objects.open().count(),
        "cp_plans_open": CpPlan.objects.open().count(),
        "cp_plans": CpPlan.objects.count(),
        "looked_after_episodes": LookedAfterEpisode.objects.count(),
        "looked_after_open": LookedAfterEpisode.objects.open().count(),
        "plo_open": PreProceedings.objects.open().count(),
        "proceedings": CareProceedings.objects.count(),
        "visits": Visit.objects.count(),
        "addresses": Address.objects.count(),
        "addresses_protected": Address.objects.filter(protected=True).count(),
        "registrations": Registration.objects.count(),
        "registrations_hidden": Registration.objects.filter(hidden=True).count(),
        "allocations": Allocation.objects.count(),
    }
    s.counts["cases"] = s.counts["cases_open"] + s.counts["cases_closed"]

    for row in (
        Post.objects.values("role")
        .annotate(
            posts=Count("id"),
            filled=Count("id", filter=Q(holder__isnull=False)),
            fte=Sum("fte"),
        )
        .order_by("role")
    ):
        s.posts.append(
            (row["role"], row["posts"], row["filled"], row["posts"] - row["filled"], row["fte"])
        )
    order = {role: i for i, role in enumerate(Role.values)}
    s.posts.sort(key=lambda p: order.get(p[0], 99))
    s.workers = {
        row["role"]: row["n"]
        for row in Worker.objects.values("role").annotate(n=Count("id")).order_by("role")
    }

    # Open children by status on the anchor date: looked after, else CP plan, else CIN plan.
    statuses = (
        CinEpisode.objects.open()
        .annotate(
            cla=Exists(LookedAfterEpisode.objects.open().filter(child=OuterRef("child"))),
            cp=Exists(CpPlan.objects.open().filter(episode=OuterRef("pk"))),
            cin=Exists(CinPlan.objects.open().filter(episode=OuterRef("pk"))),
        )
        .values_list("case_id", "cla", "cp", "cin", "child__date_of_birth")
    )
    tally: Counter[str] = Counter()
    ages = []
    children_by_case: Counter[int] = Counter()
    for case_id, cla, cp, cin, born in statuses:
        tally["cla" if cla else "cp" if cp else "cin" if cin else "assessment"] += 1
        children_by_case[case_id] += 1
        if born:
            ages.append((anchor - born).days / YEAR)
    on_plans = tally["cin"] + tally["cp"] + tally["cla"]
    s.counts["open_children_assessment"] = tally["assessment"]
    s.shares.update(
        {
            "cin": _share(tally["cin"], on_plans),
            "cp": _share(tally["cp"], on_plans),
            "cla": _share(tally["cla"], on_plans),
            "average_age": mean(ages) if ages else 0.0,
            "closed_cases": _share(s.counts["cases_closed"], s.counts["cases"]),
            "plo": _share(
                open_cases.filter(
                    Exists(PreProceedings.objects.open().filter(case=OuterRef("pk")))
                ).count(),
                s.counts["cases_open"],
            ),
        }
    )

    # New referrals in the 12 months to the anchor date, as the pilot counted them per period.
    recent = CinEpisode.objects.filter(
        referral_on__gt=anchor - dt.timedelta(days=365), referral_on__lte=anchor
    )
    referrals = recent.count()
    s.counts["referrals_year"] = referrals
    s.shares["re_referral"] = _share(
        recent.with_re_referral().filter(is_re_referral=True).count(), referrals
    )
    needs = dict(
        recent.exclude(primary_need="").values_list("primary_need").annotate(n=Count("id"))
    )
    s.shares["n1"] = _share(needs.get("N1", 0), sum(needs.values()))
    secondary = dict(
        EpisodeSecondaryNeed.objects.filter(episode__in=recent)
        .values_list("need")
        .annotate(n=Count("id"))
    )
    for need in ("DA", "MH", "SM", "ABN", "LD", "YC", "PD"):
        s.shares[f"secondary_{need}"] = _share(secondary.get(need, 0), referrals)

    ended = CpPlan.objects.filter(ended_on__isnull=False).values_list("started_on", "ended_on")
    weeks = [(end - start).days / 7 for start, end in ended]
    s.shares["cp_weeks_at_closure"] = mean(weeks) if weeks else 0.0

    # Toxic trio: open cases whose assessment found domestic abuse by a parent or carer (3B).
    with_da = set()
    for case_id, factors in Assessment.objects.filter(
        episode__case__closed_on__isnull=True,
        authorised_on__isnull=False,
    ).values_list("episode__case_id", "factors"):
        if "3B" in (factors or []):
            with_da.add(case_id)
    s.shares["domestic_abuse"] = _share(len(with_da), s.counts["cases_open"])

    # Adult specialists on open family safeguarding cases.
    open_fst = open_cases.filter(team__kind=TeamKind.FAMILY_SAFEGUARDING)
    fst_total = open_fst.count()
    by_role = dict(
        Allocation.objects.current()
        .filter(case__in=open_fst, role__in=sorted(Role.adult_specialists()))
        .values_list("role")
        .annotate(n=Count("case", distinct=True))
    )
    for role in (
        Role.DA_SURVIVOR_WORKER,
        Role.DA_PERPETRATOR_WORKER,
        Role.SUBSTANCE_MISUSE_WORKER,
        Role.MENTAL_HEALTH_PRACTITIONER,
    ):
        s.shares[f"specialist_{role}"] = _share(by_role.get(role, 0), fst_total)

    # Caseloads: children on the open cases each lead worker holds.
    per_worker: defaultdict[int, int] = defaultdict(int)
    for worker_id, case_id in (
        Allocation.objects.current()
        .filter(
            is_lead=True,
            case__closed_on__isnull=True,
        )
        .values_list("worker_id", "case_id")
    ):
        per_worker[worker_id] += children_by_case.get(case_id, 0)
    loads = sorted(per_worker.values())
    demo = Worker.objects.filter(user__username=Role.SOCIAL_WORKER).first()
    s.caseload = {
        "workers": len(loads),
        "mean": mean(loads) if loads else 0.0,
        "min": loads[0] if loads else 0,
        "max": loads[-1] if loads else 0,
        "demo_cases": Case.objects.open().allocated_to(demo).count() if demo else 0,
    }
    _collect_workbooks(s)
    return s


def _collect_workbooks(s: Summary) -> None:
    """The Workbooks (workbooks.py) and the practice the fidelity monitor reads (practice.py)."""
    from familyworkbook.insights.models import ClinicalSupervision, TrainingRecord
    from familyworkbook.meetings.models import Meeting
    from familyworkbook.workbook.models import ChangeStage, Entry, Goal, GoalRating, Intervention

    entries = Entry.objects.aggregate(
        all=Count("pk"),
        significant=Count("pk", filter=Q(is_significant=True)),
        modules=Count("pk", filter=Q(module__isnull=False)),
        families=Count("family", distinct=True),
    )
    s.counts.update({f"entries_{k}": v for k, v in entries.items()})
    s.counts["entry_visits"] = Entry.visits.through.objects.count()
    s.counts["goals"] = Goal.objects.count()
    s.counts["goal_ratings"] = GoalRating.objects.count()
    s.counts["change_stages"] = ChangeStage.objects.count()
    s.counts["interventions"] = Intervention.objects.count()
    s.counts["group_supervision"] = Meeting.objects.filter(
        type__slug="group_case_supervision"
    ).count()
    s.counts["clinical_supervision"] = ClinicalSupervision.objects.count()
    s.counts["training"] = TrainingRecord.objects.count()


def render(s: Summary) -> str:
    c = s.counts

    def n(value: int | float) -> str:
        return f"{value:,}"

    def pct(value: float) -> str:
        return f"{100 * value:.0f}%"

    lines = [
        "",
        f"Demo county on {s.anchor:%d %B %Y}",
        "",
        f"  {'What':<44}{'How many':>10}  Detail",
        f"  {'-' * 44}{'-' * 10}  {'-' * 40}",
    ]

    def row(label: str, value: int | str, detail: str = "") -> None:
        lines.append(f"  {label:<44}{value if isinstance(value, str) else n(value):>10}  {detail}")

    row("Organisations", c["organisations"], "the council and its partners")
    row("Districts", c["districts"])
    row("Teams", c["teams"], f"{n(c['fsts'])} family safeguarding teams")
    total_posts = sum(p[1] for p in s.posts)
    filled = sum(p[2] for p in s.posts)
    fte = sum((p[4] for p in s.posts), Decimal(0))
    row(
        "Posts", total_posts, f"{n(filled)} filled, {n(total_posts - filled)} vacant; {fte:.1f} FTE"
    )
    for role, posts, filled_posts, vacant, role_fte in s.posts:
        row(
            f"  {ROLE_LABELS.get(role, role)}",
            posts,
            f"{n(filled_posts)} filled, {n(vacant)} vacant; {role_fte:.1f} FTE",
        )
    row(
        "Workers",
        c["workers"],
        f"{n(c['agency'])} agency ({pct(_share(c['agency'], c['workers']))}), "
        f"{n(c['asye'])} ASYE; {n(c['demo_users'])} demo users",
    )
    for role in Role.values:
        if s.workers.get(role):
            row(f"  {ROLE_LABELS[role]}", s.workers[role])
    row("Families", c["families"])
    row(
        "People",
        c["children"] + c["unborn"] + c["adults"],
        f"{n(c['children'])} children, {n(c['unborn'])} unborn, {n(c['adults'])} adults",
    )
    row("Relationships", c["relationships"], "each with its inverse")
    row("Addresses", c["addresses"], f"{n(c['addresses_protected'])} protected")
    row(
        "Schools and GP practices",
        c["registrations"],
        f"{n(c['registrations_hidden'])} hidden (protected)",
    )
    row(
        "Cases",
        c["cases"],
        f"{n(c['cases_open'])} open, {n(c['cases_closed'])} closed "
        f"({pct(s.shares['closed_cases'])})",
    )
    row("Allocations", c["allocations"])
    row("Episodes of need", c["episodes"], f"{n(c['episodes_open'])} open")
    row("Assessments", c["assessments"])
    row("Section 47 enquiries", c["section47s"])
    row(
        "Plans open",
        c["cin_plans_open"] + c["cp_plans_open"],
        f"CIN {n(c['cin_plans_open'])}, CP {n(c['cp_plans_open'])}; looked after {n(c['looked_after_open'])}",
    )
    row("Looked-after episodes", c["looked_after_episodes"], f"{n(c['looked_after_open'])} open")
    row("Pre-proceedings (PLO) open", c["plo_open"], f"care proceedings: {n(c['proceedings'])}")
    row("Visits", c["visits"], "the last six months")
    row(
        "Workbook entries",
        c["entries_all"],
        f"{n(c['entries_families'])} families; {n(c['entries_significant'])} significant, "
        f"{n(c['entries_modules'])} programme sessions; {n(c['entry_visits'])} visits typed once",
    )
    row("Goals", c["goals"], f"{n(c['goal_ratings'])} ratings by worker and family")
    row(
        "Cycle of Change assessments",
        c["change_stages"],
        f"Supporting Change interventions: {n(c['interventions'])}",
    )
    row(
        "Group case supervision meetings",
        c["group_supervision"],
        f"clinical supervision sessions {n(c['clinical_supervision'])}; "
        f"training records {n(c['training'])}",
    )

    sh, cl = s.shares, s.caseload

    def mix(label: str, achieved: str, pilot: str) -> None:
        lines.append(f"  {label:<44}{achieved:>20}  {pilot}")

    def pcts(*keys: str) -> str:
        return " / ".join(pct(sh[key]) for key in keys)

    lines += [
        "",
        f"  {'Case mix achieved':<44}{'Here':>20}  Pilot (SEED-NUMBERS.md §A, May-Jul 2020)",
    ]
    lines.append(f"  {'-' * 44}{'-' * 20}  {'-' * 40}")
    mix("Open children: CIN plan / CP plan / in care", pcts("cin", "cp", "cla"), "53% / 34% / 13%")
    mix("  still being assessed", n(c["open_children_assessment"]), "")
    mix("Open cases in pre-proceedings (PLO)", pct(sh["plo"]), "about 5%")
    mix(
        "Re-referrals (of referrals in the last year)",
        pct(sh["re_referral"]),
        f"58-62% (here {n(c['referrals_year'])} referrals)",
    )
    mix("Primary need N1, abuse or neglect", pct(sh["n1"]), "84-90%")
    mix(
        "Secondary needs: DA / MH / SM / abuse",
        pcts("secondary_DA", "secondary_MH", "secondary_SM", "secondary_ABN"),
        "25% / 27% / 19% / 27%",
    )
    mix(
        "  learning dis. / young carer / physical",
        pcts("secondary_LD", "secondary_YC", "secondary_PD"),
        "5% / 3% / 6%",
    )
    mix("Average age of open children", f"{sh['average_age']:.1f}", "6.3-6.8")
    mix("CP plan length at closure, weeks", f"{sh['cp_weeks_at_closure']:.0f}", "36-48")
    mix(
        "Open cases with domestic abuse (3B)",
        pct(sh["domestic_abuse"]),
        "about 44% (Hertfordshire)",
    )
    mix(
        "Open FST cases with a DA survivor worker",
        pct(sh["specialist_da_survivor"]),
        "about 35%",
    )
    mix(
        "  DA perpetrator / substance / mental health",
        pcts(
            "specialist_da_perpetrator", "specialist_substance_misuse", "specialist_mental_health"
        ),
        "about 15% / 10% / 5%",
    )
    mix(
        "Children per lead worker: mean (range)",
        f"{cl['mean']:.1f} ({cl['min']}-{cl['max']})",
        "about 15 (6-27)",
    )
    mix("Open cases of the demo social worker", n(cl["demo_cases"]), "about 15")
    lines.append("")
    return "\n".join(lines)
