"""The one access policy: who may see which family, person, case and address.

Every `visible_to(user)` QuerySet method asks `core.scoping`, which this module fills (see
`apps.AccessConfig.ready`). The rules (DOMAIN.md, "Who may see what"):

- Scope. A worker sees the families with a case held by a team their posts serve (team
  scope, which is also a team manager's), and families where they hold a current allocation
  (personally involved). A service manager sees every team of their service. Seeing the
  whole council is a permission (`access.view_all_records`), never a default. A family with
  no case yet is seen by the person who recorded it and by their teams.
- Partners. A worker employed by a partner organisation sees nothing unless the partner has
  an information-sharing agreement in force covering the family record.
- Restriction. A restricted person is seen only by holders of a "record" grant for them;
  everyone else finds them in search by name only. Their episodes, plans and visits are
  reached through them, so they are hidden too.
- Protection. Rows whose protection flag is set (rules held in `ProtectionRule`, e.g. a
  protected address) are seen only with a "protected" grant for that person, and never by a
  domestic abuse perpetrator worker, grant or not.
- Break-glass. Emergency access to one family for a few hours, with a reason, audited and
  shown to the managers of the family's teams.

Not allowed and not found look the same everywhere: the record is simply not in the QuerySet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

from familyworkbook.access.models import (
    AccessGrant,
    BreakGlass,
    Category,
    GrantKind,
    ProtectionRule,
    RecordRestriction,
    SharingAgreement,
)
from familyworkbook.cases.models import Allocation, Case
from familyworkbook.core import clock, scoping
from familyworkbook.people.models import Address, Family, FamilyMembership, Person
from familyworkbook.teams.models import OrganisationKind, Role, Team, User, Worker

ALL_RECORDS_PERMISSION = "access.view_all_records"
SEARCH_AUDIT_PERMISSION = "access.search_audit"
SUBJECT_ACCESS_PERMISSION = "access.prepare_subject_access"
WHO_HAS_SEEN_PERMISSION = "access.see_who_has_seen"
APPROVE_PROTECTED_PERMISSION = "access.approve_protected_access"

# Questions pages ask through `core.scoping.allows(user, name)`.
NOTICE_PROTECTED = "told_of_protected_details"
SEE_WHO_HAS_SEEN = "see_who_has_seen"

# Roles that answer for a team's records and so see "who has seen this record".
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.SERVICE_MANAGER})


@dataclass(frozen=True)
class Actor:
    """What the policy needs to know about a signed-in user, read once per request."""

    user_id: int
    role: str
    is_partner: bool
    partner_categories: frozenset[str]
    whole_council: bool

    @property
    def is_perpetrator_worker(self) -> bool:
        return self.role == Role.DA_PERPETRATOR_WORKER

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES


def actor_of(user: User) -> Actor:
    """The user's role and standing, cached on the user object for the request.

    Teams and allocations are not cached: they are subqueries in every scope, so removing
    someone from a team takes effect on their very next query.
    """
    cached = getattr(user, "_fwb_actor", None)
    if cached is not None:
        return cached
    worker = Worker.objects.filter(user=user).select_related("organisation").first()
    role = worker.role if worker else ""
    is_partner = bool(worker and worker.organisation.kind != OrganisationKind.COUNCIL)
    categories: frozenset[str] = frozenset()
    if is_partner:
        today = clock.today()
        categories = frozenset(
            category
            for agreement in SharingAgreement.objects.filter(
                organisation_id=worker.organisation_id,
                archived_at__isnull=True,
                starts_on__lte=today,
            ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            for category in agreement.categories
        )
    actor = Actor(
        user_id=user.pk,
        role=role,
        is_partner=is_partner,
        partner_categories=categories,
        whole_council=holds(user, ALL_RECORDS_PERMISSION),
    )
    user._fwb_actor = actor  # type: ignore[attr-defined]
    return actor


def holds(user: User, permission: str) -> bool:
    """Whether the user was given this access permission, directly or through a group.

    Being a Django superuser is not enough: a system administrator looks after reference
    data, and sees children's records only if someone gave them a permission that says so.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    app_label, codename = permission.split(".")
    cache = user.__dict__.setdefault("_fwb_holds", {})
    if app_label not in cache:
        # Every permission of the app in one query: a page asks about several (the menu
        # alone asks two) and each was a query of its own.
        cache[app_label] = frozenset(
            Permission.objects.filter(
                Q(user=user) | Q(group__user=user), content_type__app_label=app_label
            ).values_list("codename", flat=True)
        )
    return codename in cache[app_label]


def forget(user: User) -> None:
    """Drop the cached standing (tests that change a user's role mid-test call this)."""
    for name in (
        "_fwb_actor",
        "_fwb_holds",
        _SCOPE_CACHE,
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
    ):
        user.__dict__.pop(name, None)
    scoping.forget_scopes(user)


def may_see_category(user: User, category: str) -> bool:
    """Whether the user's organisation may see this kind of information at all."""
    actor = actor_of(user)
    if category == Category.PROTECTED_DETAILS:
        return False  # only ever through a grant for one person
    if not actor.is_partner:
        return category in {Category.FAMILY_RECORD, Category.STATUTORY}
    return category in actor.partner_categories


# --- Scopes ----------------------------------------------------------------------------------
#
# A page asks for several scopes (a search: people, their families, matching families; a
# family page: the family, its members, its cases), and building the policy's nested
# subqueries was most of a page's Python time. The parts that do not depend on the clock
# (the user's teams, colleagues, their teams' cases, allocations, records with no case yet)
# are built once and kept on the user object, which Django loads afresh for every request.
# They are subqueries, not answers: a team, allocation or case change still shows on the
# very next query. Parts that compare with "now" (break-glass, grants) are built each time.

_SCOPE_CACHE = "_fwb_scope"


def _once_per_request(user: User, key: str, build: Callable[[], Any]) -> Any:
    cache = user.__dict__.setdefault(_SCOPE_CACHE, {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _my_teams(user: User) -> QuerySet[Team]:
    return _once_per_request(
        user,
        "teams",
        lambda: Team.objects.filter(
            posts__holder__user=user, posts__disestablished_on__isnull=True
        ).values("pk"),
    )


def _colleagues(user: User) -> QuerySet[User]:
    """Users holding a post in one of this user's teams (and the user)."""
    return _once_per_request(
        user,
        "colleagues",
        lambda: User.objects.filter(
            worker__posts__teams__in=_my_teams(user),
            worker__posts__disestablished_on__isnull=True,
        ).values("pk"),
    )


def _created_by_me_or_colleagues(user: User) -> Q:
    return Q(created_by=user) | Q(created_by__in=_colleagues(user))


def _family_q(user: User, actor: Actor) -> Q | None:
    """The families in the user's scope, or None for all of them."""
    if actor.is_partner and Category.FAMILY_RECORD not in actor.partner_categories:
        return Q(pk__in=[])
    if actor.whole_council:
        return None
    q = _once_per_request(user, "families", lambda: _families_of_teams_and_allocations(user, actor))
    return q | Q(pk__in=BreakGlass.objects.active().filter(user=user).values("family_id"))


def _families_of_teams_and_allocations(user: User, actor: Actor) -> Q:
    live_cases = Case.objects.filter(archived_at__isnull=True)
    q = Q(pk__in=live_cases.filter(team__in=_my_teams(user)).values("family_id"))
    q |= Q(
        pk__in=Allocation.objects.filter(
            worker__user=user, ended_on__isnull=True, archived_at__isnull=True
        ).values("case__family_id")
    )
    if actor.role == Role.SERVICE_MANAGER:
        services = Team.objects.filter(pk__in=_my_teams(user)).values("service_id")
        q |= Q(pk__in=live_cases.filter(team__service__in=services).values("family_id"))
    # Families with no case yet, recorded by the user or a colleague. A subquery that starts
    # from the creators' families (an index on created_by), not "no case and created by" on
    # every family: without planner statistics (a freshly loaded database) PostgreSQL ran that
    # NOT EXISTS once per family of the county inside the OR; now every branch is one set.
    q |= Q(
        pk__in=Family.objects.filter(_created_by_me_or_colleagues(user))
        .filter(~Exists(live_cases.filter(family=OuterRef("pk"))))
        .values("pk")
    )
    return q


def _restricted_hidden_from(user: User) -> QuerySet[RecordRestriction]:
    granted = AccessGrant.objects.active().filter(user=user, kind=GrantKind.RECORD)
    return (
        RecordRestriction.objects.active()
        .exclude(person__in=granted.values("person_id"))
        .values("person_id")
    )


# Each scope's filter is built once per request (`core.scoping.memoised`): a page asks for
# the same scope many times. `_NOTHING` is the filter of a scope that holds nothing.

_NOTHING = Q(pk__in=[])
VIEW = "view"


def _family_filter(user: User) -> Q | None:
    return scoping.memoised(user, "people.family", VIEW, lambda: _family_q(user, actor_of(user)))


def families(queryset: QuerySet[Family], user: User) -> QuerySet[Family]:
    q = _family_filter(user)
    return queryset if q is None else queryset.filter(q)


def _case_q(user: User) -> Q | None:
    q = _family_filter(user)
    return None if q is None else Q(family__in=Family.objects.filter(q).values("pk"))


def cases(queryset: QuerySet[Case], user: User) -> QuerySet[Case]:
    q = scoping.memoised(user, "cases.case", VIEW, lambda: _case_q(user))
    return queryset if q is None else queryset.filter(q)


def _people_q(user: User) -> Q:
    actor = actor_of(user)
    not_restricted = ~Q(pk__in=_restricted_hidden_from(user))
    q = _family_filter(user)
    if q is None:
        return not_restricted
    if actor.is_partner and Category.FAMILY_RECORD not in actor.partner_categories:
        return _NOTHING
    in_my_families = Q(
        pk__in=FamilyMembership.objects.filter(
            archived_at__isnull=True, family__in=Family.objects.filter(q).values("pk")
        ).values("person_id")
    )
    # People in no family, recorded by the user or a colleague: one set, as for families.
    mine = _once_per_request(
        user,
        "people_of_no_family",
        lambda: Q(
            pk__in=Person.objects.filter(_created_by_me_or_colleagues(user))
            .filter(
                ~Exists(
                    FamilyMembership.objects.filter(person=OuterRef("pk"), archived_at__isnull=True)
                )
            )
            .values("pk")
        ),
    )
    return not_restricted & (in_my_families | mine)


def people(queryset: QuerySet[Person], user: User) -> QuerySet[Person]:
    return queryset.filter(scoping.memoised(user, "people.person", VIEW, lambda: _people_q(user)))


# --- Field-level protection ------------------------------------------------------------------


# The baseline, in code so that an empty or flushed rules table fails closed: a protected
# address is protected whatever the table holds. The table adds rules (a hidden child's
# school or GP, a specialist's health detail) as those fields arrive.
BASELINE_RULES = (
    ProtectionRule(
        model_label="people.address",
        flag_field="protected",
        fields=["line_1", "line_2", "town", "postcode"],
        description="A survivor's safe address or a hidden child's location",
    ),
    ProtectionRule(
        model_label="people.registration",
        flag_field="hidden",
        fields=["name", "code"],
        description="A hidden child's school or GP practice",
    ),
)


def rules_for(model_label: str) -> list[ProtectionRule]:
    label = model_label.lower()
    rules = [
        ProtectionRule(
            model_label=r.model_label,
            flag_field=r.flag_field,
            fields=list(r.fields),
            description=r.description,
        )
        for r in BASELINE_RULES
        if r.model_label == label
    ]
    seen = {(r.model_label, r.flag_field) for r in rules}
    for rule in ProtectionRule.objects.filter(model_label=label, archived_at__isnull=True):
        if (rule.model_label, rule.flag_field) not in seen:
            rules.append(rule)
        else:
            base = next(r for r in rules if r.flag_field == rule.flag_field)
            base.fields = [*base.fields, *(f for f in rule.fields if f not in base.fields)]
    return rules


def protected_fields(model: Any) -> list[str]:
    """The field names the rules protect on this model (for redacting audit detail)."""
    names: list[str] = []
    for rule in rules_for(model._meta.label_lower):
        names.extend(n for n in rule.fields if n not in names)
    return names


def redacted_fields(instance: Any) -> list[str]:
    """The fields of this row to keep out of audit detail: those of every rule whose flag is set."""
    names: list[str] = []
    for rule in rules_for(instance._meta.label_lower):
        if getattr(instance, rule.flag_field, False):
            names.extend(n for n in rule.fields if n not in names)
    return names


def restricted_matches(user: User, query: str) -> list[str]:
    """Names of restricted people matching a search whom the user may not open.

    Name only, so nobody records a duplicate; nothing else about them.
    """
    hidden = Person.objects.filter(
        archived_at__isnull=True, pk__in=_restricted_hidden_from(user)
    ).search(query)
    return [p.full_name for p in hidden.only("kind", "first_name", "last_name")[:20]]


def _protected_row_q(model: Any) -> Q | None:
    q = None
    for rule in rules_for(model._meta.label_lower):
        flag = Q(**{rule.flag_field: True})
        q = flag if q is None else q | flag
    return q


def protected_grants(user: User) -> QuerySet[AccessGrant]:
    return AccessGrant.objects.active().filter(user=user, kind=GrantKind.PROTECTED)


def may_see_protected_of(user: User, person: Person) -> bool:
    if actor_of(user).is_perpetrator_worker:
        return False
    return protected_grants(user).filter(person=person).exists()


def _protected_rows_q(model: Any, user: User) -> Q:
    visible = Q(person__in=Person.objects.visible_to(user).values("pk"))
    protected = _protected_row_q(model)
    if protected is None:
        return visible
    if actor_of(user).is_perpetrator_worker:
        return visible & ~protected
    granted = Q(person__in=protected_grants(user).values("person_id"))
    return visible & (~protected | granted)


def protected_rows(queryset: QuerySet, user: User) -> QuerySet:
    """Rows about a person (an address, a school, a GP practice) of people the user may see,
    leaving out rows whose protection flag is set unless the user holds a "protected" grant
    for that person; a perpetrator worker never sees them. Left out, not masked."""
    model = queryset.model
    q = scoping.memoised(
        user, model._meta.label_lower, VIEW, lambda: _protected_rows_q(model, user)
    )
    return queryset.filter(q)


def addresses(queryset: QuerySet[Address], user: User) -> QuerySet[Address]:
    return protected_rows(queryset, user)


def is_restricted(person: Person) -> bool:
    return RecordRestriction.objects.active().filter(person=person).exists()


def may_be_told_of_protected(user: User) -> bool:
    """Whether a page may say "a protected address is held and not shown to you".

    Never to a perpetrator worker: that a survivor has a safe address is itself something
    the perpetrator must not learn.
    """
    return not actor_of(user).is_perpetrator_worker


def may_approve_protected(user: User) -> bool:
    """R7: who may be the second approver of a new disclosure of protected details: team and
    service managers, and holders of the permission (information governance)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return actor_of(user).is_manager or holds(user, APPROVE_PROTECTED_PERMISSION)


def may_see_who_has_seen(user: User) -> bool:
    return actor_of(user).is_manager or holds(user, WHO_HAS_SEEN_PERMISSION)


# --- Who could see a new address -------------------------------------------------------------


def perpetrators_of(person: Person) -> QuerySet[Person]:
    from familyworkbook.access.models import PerpetratorLink

    return Person.objects.filter(
        pk__in=PerpetratorLink.objects.active().filter(survivor=person).values("perpetrator_id")
    )


def users_linked_to_perpetrators(person: Person) -> QuerySet[User]:
    """Workers allocated to any case of a family an alleged perpetrator of `person` belongs to,
    and every domestic abuse perpetrator worker in the teams of those cases."""
    families_of_perpetrators = FamilyMembership.objects.filter(
        person__in=perpetrators_of(person).values("pk"), archived_at__isnull=True
    ).values("family_id")
    perp_cases = Case.objects.filter(family__in=families_of_perpetrators, archived_at__isnull=True)
    allocated = Allocation.objects.filter(
        case__in=perp_cases.values("pk"), ended_on__isnull=True, archived_at__isnull=True
    ).values("worker__user_id")
    perp_workers = Worker.objects.filter(
        role=Role.DA_PERPETRATOR_WORKER,
        posts__teams__in=perp_cases.values("team_id"),
        posts__disestablished_on__isnull=True,
    ).values("user_id")
    return User.objects.filter(Q(pk__in=allocated) | Q(pk__in=perp_workers), is_active=True)


def address_exposure(person: Person, *, protected: bool) -> list[User]:
    """Users linked to an alleged perpetrator of `person` who could see an address recorded
    for them now. A protected address is seen only by grant holders (never a perpetrator
    worker); an unprotected one by anyone who can see the person."""
    linked = users_linked_to_perpetrators(person)
    if protected:
        holders = protected_grants_for(person).values("user_id")
        linked = linked.filter(pk__in=holders).exclude(worker__role=Role.DA_PERPETRATOR_WORKER)
        return list(linked.distinct())
    return [
        u for u in linked.distinct() if Person.objects.visible_to(u).filter(pk=person.pk).exists()
    ]


def protected_grants_for(person: Person) -> QuerySet[AccessGrant]:
    return AccessGrant.objects.active().filter(person=person, kind=GrantKind.PROTECTED)
