"""R1: every URL pattern × every role × every relationship, deny by default, 404 when not allowed.

The walk covers every pattern Django resolves (admin included), so a new app's URLs are in
the matrix the moment they are mounted. Each pattern is classified by its keyword arguments
through KWARGS below; a keyword missing from the table fails the test, naming it, so nobody
adds a URL the matrix does not understand. A reviewer reads the tables, not the loop.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from familyworkbook.access.tests.world import CANARIES, World, all_patterns, build_world
from familyworkbook.cases.models import Allocation
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role

# --- What each URL keyword names --------------------------------------------------------------

PERSON = "person"  # one person's record: a restricted person's is refused
FAMILY = "family"  # the family's record
TEAM = "team"  # a team: reference data; its pages list only visible cases
OPAQUE = "opaque"  # another app's record this world does not create: 404 for everyone
FREE = "free"  # a free word (a chapter slug, a file format): names no record
IMPORT_RUN = "import run"  # an SSD import run (importing.ImportRun): council-wide, no family


def _import_run(child: Any, world: World) -> int:
    from familyworkbook.importing.models import ImportRun

    return ImportRun.objects.get_or_create(source="access matrix")[0].pk


@dataclass(frozen=True)
class Kw:
    kind: str
    fill: Callable[[Any, World], Any] = lambda child, world: 999_999_999


KWARGS: dict[str, Kw] = {
    # A child's (or, for "protected", the survivor's) records.
    "person_id": Kw(PERSON, lambda c, w: c.child.pk),
    "episode_id": Kw(PERSON, lambda c, w: c.episode.pk),
    "plan_id": Kw(PERSON, lambda c, w: c.cp_plan.pk),
    "plo_id": Kw(PERSON, lambda c, w: c.plo.pk),
    "proceedings_id": Kw(PERSON, lambda c, w: c.proceedings.pk),
    "membership_id": Kw(PERSON, lambda c, w: c.membership.pk),
    "relationship_id": Kw(PERSON, lambda c, w: c.relationship.pk),
    "address_id": Kw(PERSON, lambda c, w: c.address.pk),
    # The family's records.
    "family_id": Kw(FAMILY, lambda c, w: w.family.pk),
    "case_id": Kw(FAMILY, lambda c, w: w.case.pk),
    "allocation_id": Kw(FAMILY, lambda c, w: w.allocation.pk),
    "glass_id": Kw(FAMILY, lambda c, w: w.glass.pk),
    # Teams.
    "team_id": Kw(TEAM, lambda c, w: w.north.pk),
    # Other apps' records (workbook, measures, meetings): not built in this world.
    **{
        name: Kw(OPAQUE)
        for name in [
            "measure_id",
            "meeting_id",
            "entry_id",
            "intervention_id",
            "goal_id",
            "item_id",
            "issue_id",
            "flag_id",
            "action_id",
            # Reserved for the apps being built now (documents, meetings, insights, access).
            "document_id",
            "version_id",
            "share_id",
            "comment_id",
            "type_id",
            "training_id",
            "session_id",
            "approval_id",
            "request_id",
            "hold_id",
            # Retention (familyworkbook/retention): rules, destruction proposals, and a family
            # record under retention review (a family id, but only an expired one answers).
            "rule_id",
            "proposal_id",
            "record_id",
            # A looked-after child's SSDA903 facts (cases/lac_urls.py); tested in test_lac_views.
            "fact_id",
            # A subject access request (subject_access/); tested in its own tests.
            "sar_id",
        ]
    },
    # An import run (importing/): the import pages are the system administrator's.
    "run_id": Kw(IMPORT_RUN, _import_run),
    # A background job (core.Job, a UUID): only its starter sees it, tested in the apps that
    # start jobs; a job nobody started is 404 for everyone.
    "job_id": Kw(OPAQUE, lambda c, w: "00000000-0000-4000-8000-00003b9ac9ff"),
    # Words, not records.
    **{name: Kw(FREE, lambda c, w: "x") for name in ["chapter", "instrument", "page", "slug"]},
    "file_format": Kw(FREE, lambda c, w: "csv"),
}

# Where one keyword names a different record on a particular page.
OVERRIDES: dict[str, dict[str, Callable[[Any, World], Any]]] = {
    "cases:end_lac_episode": {"episode_id": lambda c, w: c.lac.pk},
    "cases:end_cin_plan": {"plan_id": lambda c, w: c.cin_plan.pk},
}

# Pages with a gate beyond the record's scope.
MANAGERS = "managers"
IG = "information governance"
SYSTEM_ADMINS = "system administrators"
WORKFORCE_RECORDERS = "workforce recorders"
GATES: dict[str, str] = {
    "meetings:types": SYSTEM_ADMINS,  # reference data: the council's meeting types
    "meetings:type_add": SYSTEM_ADMINS,
    "access:who_has_seen_person": MANAGERS,
    "access:who_has_seen_family": MANAGERS,
    "history:person_changes": MANAGERS,  # field history (R14): the same gate
    "history:family_changes": MANAGERS,
    "access:break_glass_review": "team and service managers",
    "access:mark_reviewed": "team and service managers",
    "access:audit_search": IG,
    "access:subject_access": IG,  # any person on the record, audited: IG's job
    "access:approvals": "approvers",  # R7 second approvers: managers and IG
    # R18 subject access requests: any person on the record, audited: IG's job.
    "subject_access:list": IG,
    "subject_access:person": IG,
    # R17 retention: rules, legal holds, review and two-person destruction are IG's.
    **{
        f"retention:{name}": IG
        for name in [
            "review",
            "review_run",
            "job",
            "rules",
            "rule_edit",
            "holds",
            "hold_add",
            "hold_release",
            "propose",
            "proposal",
            "proposal_cancel",
            "destroyed",
        ]
    },
    # Imports from a Standard Safeguarding Dataset extract (issue 16): the runs, a run's
    # reconciliation and its reports, and the form that starts one. (imports:job is a job.)
    **{
        f"imports:{name}": SYSTEM_ADMINS
        for name in ["runs", "start", "run", "report_csv", "report_html", "job"]
    },
    # The training register and clinical supervision log: managers and performance staff
    # (insights.services.RECORDING_ROLES); the matrix's IG and council personas are
    # performance staff.
    "insights:training": WORKFORCE_RECORDERS,
    "insights:supervision": WORKFORCE_RECORDERS,
}

# A child's statutory events: an adult's id is refused like a missing one (so in the
# "protected" relationship, where the person is the adult survivor, these are 404).
CHILD_ONLY = {
    "cases:record_referral",
    "cases:record_lac_episode",
    "cases:record_plo",
    "cases:record_proceedings",
    "cases:record_visit",
    # A looked-after child's SSDA903 facts (cases/lac_urls.py).
    "cases:lac_facts",
    "cases:lac_uasc",
    *(
        f"cases:lac_{kind}_add"
        for kind in ["review", "missing", "oc2", "oc3", "adoption", "prevperm"]
    ),
}

# Pages every visitor may open, signed in or not.
PUBLIC = {"login", "login_code", "login_set_up", "logout", "set_language"}

# --- Who ------------------------------------------------------------------------------------

IG_PERSONA = "information_governance"
COUNCIL_PERSONA = "whole_council"
PERSONAS = [*Role.values, IG_PERSONA, COUNCIL_PERSONA]
RELATIONSHIPS = ["involved", "same_team", "other_team", "restricted", "protected"]


def make_user(persona: str, relationship: str, world: World) -> Any:
    role = persona if persona in Role.values else Role.PERFORMANCE
    team = {"involved": world.east, "other_team": world.south}.get(relationship, world.north)
    worker = builders.worker(f"{persona[:20]}-{relationship}", role=role, teams=[team])
    if relationship == "involved":
        Allocation.objects.create(
            case=world.case, worker=worker, role=role, started_on=dt.date(2025, 9, 2)
        )
    if persona == IG_PERSONA:
        worker.user.groups.add(Group.objects.get(name="Information governance"))
    if persona == COUNCIL_PERSONA:
        worker.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    return worker


def in_scope(persona: str, relationship: str) -> bool:
    if persona == COUNCIL_PERSONA or relationship != "other_team":
        return True
    # South is in the same service as North: a service manager's scope.
    return persona == Role.SERVICE_MANAGER


def gate_open(gate: str | None, persona: str) -> bool:
    if gate == MANAGERS:
        # Information governance holds "see who has seen" too (access.see_who_has_seen).
        return persona in {Role.TEAM_MANAGER, Role.SERVICE_MANAGER, IG_PERSONA}
    if gate == IG:
        return persona == IG_PERSONA
    if gate == "team and service managers":
        return persona in {Role.TEAM_MANAGER, Role.SERVICE_MANAGER}
    if gate == "approvers":
        return persona in {Role.TEAM_MANAGER, Role.SERVICE_MANAGER, IG_PERSONA}
    if gate == SYSTEM_ADMINS:
        return persona == Role.SYSTEM_ADMIN
    if gate == WORKFORCE_RECORDERS:
        return persona in {
            Role.TEAM_MANAGER,
            Role.SERVICE_MANAGER,
            Role.PERFORMANCE,
            Role.SYSTEM_ADMIN,
            IG_PERSONA,
            COUNCIL_PERSONA,
        }
    return True


def expected_allowed(pattern, kinds: set[str], persona: str, relationship: str) -> bool:
    if OPAQUE in kinds:
        return False
    gate = GATES.get(pattern.name)
    if gate == IG:
        return persona == IG_PERSONA
    if not gate_open(gate, persona):
        return False
    if relationship == "restricted" and PERSON in kinds:
        return False
    if relationship == "protected" and (
        "address_id" in pattern.kwargs or pattern.name in CHILD_ONLY
    ):
        return False
    if FAMILY in kinds or PERSON in kinds:
        return in_scope(persona, relationship)
    return True


def classify(pattern) -> set[str]:
    unknown = [k for k in pattern.kwargs if k not in KWARGS]
    assert not unknown, (
        f"URL pattern {pattern.name} ({pattern.route}) has keyword(s) {unknown} the access "
        "matrix does not know: add them to KWARGS in familyworkbook/access/tests/test_url_matrix.py"
    )
    return {KWARGS[k].kind for k in pattern.kwargs}


def url_for(pattern, records: Any, world: World) -> str:
    fill = {k: KWARGS[k].fill for k in pattern.kwargs}
    fill.update(OVERRIDES.get(pattern.name, {}))
    return reverse(pattern.name, kwargs={k: f(records, world) for k, f in fill.items()})


def records_for(relationship: str, world: World) -> Any:
    if relationship == "restricted":
        return world.leo
    if relationship == "protected":
        # The survivor's own rows, and her safe address, in place of Ava's.
        from dataclasses import replace

        return replace(
            world.ava,
            child=world.survivor,
            address=world.safe_address,
            membership=world.survivor_membership,
            relationship=world.survivor_relationship,
        )
    return world.ava


def site_patterns():
    return [p for p in all_patterns() if not p.is_admin]


def relevant(relationship: str, kinds: set[str]) -> bool:
    """Which patterns a relationship can change the answer for.

    Pages naming no record answer the same whoever the family is: they are checked once, in
    "same_team". Restriction and protection concern one person's rows: person-level pages.
    """
    if relationship == "same_team":
        return True
    if relationship in {"restricted", "protected"}:
        return PERSON in kinds
    return bool(kinds & {PERSON, FAMILY})


# --- The tests ------------------------------------------------------------------------------


def matrix_cells() -> int:
    """How many (pattern, persona, relationship) cells the matrix checks."""
    cells = 0
    for pattern in site_patterns():
        if pattern.name in PUBLIC:
            continue
        kinds = classify(pattern)
        cells += len(PERSONAS) * sum(relevant(r, kinds) for r in RELATIONSHIPS)
    return cells


def test_every_pattern_is_classified():
    print(f"access matrix: {len(all_patterns())} patterns, {matrix_cells()} cells")
    problems = []
    for pattern in all_patterns():
        if pattern.is_admin:
            continue
        try:
            classify(pattern)
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


def test_signed_out_visitors_reach_nothing_but_sign_in(db, client):
    world = build_world()
    for pattern in site_patterns():
        classify(pattern)
        response = client.get(url_for(pattern, world.ava, world))
        if pattern.name in PUBLIC or pattern.name == "home":
            assert response.status_code < 500, pattern.name
            continue
        assert response.status_code in {302, 404, 405}, (pattern.name, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), pattern.name


COUNTS: Counter[str] = Counter()


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(persona, db, signed_in):
    """One persona: for each relationship, every site pattern answers as the tables say."""
    world = build_world()
    failures = []
    for relationship in RELATIONSHIPS:
        user = make_user(persona, relationship, world)
        client = signed_in(Client(), user)
        records = records_for(relationship, world)
        for pattern in site_patterns():
            if pattern.name in PUBLIC:
                continue
            kinds = classify(pattern)
            if not relevant(relationship, kinds):
                continue
            url = url_for(pattern, records, world)
            response = client.get(url)
            COUNTS["requests"] += 1
            allowed = expected_allowed(pattern, kinds, persona, relationship)
            status = response.status_code
            if status >= 500:
                failures.append(f"{relationship} {pattern.name} {url}: {status}")
            elif allowed and status == 404 and FREE not in kinds:
                failures.append(f"{relationship} {pattern.name} {url}: 404 but should be allowed")
            elif not allowed and status not in {404, 405}:
                failures.append(f"{relationship} {pattern.name} {url}: {status} but should be 404")
    assert not failures, f"{persona}:\n" + "\n".join(failures)


def test_admin_is_for_staff_and_shows_records_only_by_permission(db, signed_in):
    world = build_world()
    worker = make_user(Role.SOCIAL_WORKER, "same_team", world)
    ada = builders.worker("ada", role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    non_staff = signed_in(Client(), worker)
    staff = signed_in(Client(), ada)
    checked = 0
    for pattern in all_patterns():
        if not pattern.is_admin or not pattern.name.endswith(("_changelist", ":index")):
            continue
        url = reverse(pattern.name)
        response = non_staff.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
        response = staff.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not any(c in body for c in CANARIES), url
        if "cl" in (response.context or {}) and response.context["cl"].model._meta.app_label in {
            "people",
            "cases",
            "access",
        }:
            assert response.context["cl"].result_count == 0, url
        checked += 1
    assert checked > 20
