"""Property tests: random teams, families, roles, allocations, restrictions and grants; the
policy's QuerySets agree with a plain-Python statement of the rules, and its invariants hold."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from familyworkbook.access import policy
from familyworkbook.access.models import AccessGrant, GrantKind, RecordRestriction
from familyworkbook.cases.models import Allocation, Case
from familyworkbook.demo import builders
from familyworkbook.people.models import Address, Family, Person
from familyworkbook.teams.models import Role

ROLES = [
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.DA_PERPETRATOR_WORKER,
    Role.DA_SURVIVOR_WORKER,
    Role.IRO,
]

worlds = st.fixed_dictionaries(
    {
        "teams": st.integers(min_value=1, max_value=3),
        "workers": st.lists(
            st.tuples(st.sampled_from(ROLES), st.sets(st.integers(0, 2), max_size=2)),
            min_size=1,
            max_size=4,
        ),
        "families": st.lists(
            st.fixed_dictionaries(
                {
                    "team": st.one_of(st.none(), st.integers(0, 2)),
                    "allocated": st.sets(st.integers(0, 3), max_size=2),
                    "restricted": st.booleans(),
                    "protected": st.booleans(),
                    "record_grants": st.sets(st.integers(0, 3), max_size=2),
                    "protected_grants": st.sets(st.integers(0, 3), max_size=2),
                }
            ),
            min_size=1,
            max_size=3,
        ),
    }
)


class PolicyProperties(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds)
    def test_policy_matches_the_rules(self, spec):
        # Two services, so a service manager's reach is tested: team 2 is in another service.
        teams = [builders.team(f"T{i}") for i in range(spec["teams"])]
        from familyworkbook.teams.models import Service

        other = Service.objects.create(council=teams[0].service.council, name="Other service")
        if len(teams) == 3:
            teams[2].service = other
            teams[2].save()
        workers = []
        for i, (role, team_ids) in enumerate(spec["workers"]):
            posts = [teams[t] for t in sorted(team_ids) if t < len(teams)]
            workers.append(builders.worker(f"w{i}", role=role, teams=posts))
        fams = []
        for j, f in enumerate(spec["families"]):
            fam = builders.family(f"F{j}", children=1, adults=1)
            child = fam.members.get(kind="child")
            case = None
            if f["team"] is not None and f["team"] < len(teams):
                case = builders.case(fam, teams[f["team"]], with_episodes=False)
                for w in sorted(f["allocated"]):
                    if w < len(workers):
                        Allocation.objects.create(
                            case=case,
                            worker=workers[w],
                            role=workers[w].role,
                            started_on=dt.date(2025, 1, 1),
                        )
            if f["restricted"]:
                RecordRestriction.objects.create(person=child, reason="r")
            address = Address.objects.create(
                person=child,
                line_1="1 Road",
                town="Ely",
                postcode="CB1 1AA",
                from_date=dt.date(2025, 1, 1),
                protected=f["protected"],
            )
            for kind, key in (
                (GrantKind.RECORD, "record_grants"),
                (GrantKind.PROTECTED, "protected_grants"),
            ):
                for w in sorted(f[key]):
                    if w < len(workers):
                        AccessGrant.objects.create(
                            user=workers[w].user, person=child, kind=kind, reason="g"
                        )
            fams.append((fam, child, case, address, f))

        for i, worker in enumerate(workers):
            user = worker.user
            policy.forget(user)
            my_teams = {t.pk for t in teams if worker.posts.filter(teams=t).exists()}
            my_services = {t.service_id for t in teams if t.pk in my_teams}
            for fam, child, case, address, f in fams:
                in_team = case is not None and case.team_id in my_teams
                personal = case is not None and i in f["allocated"]
                service = (
                    case is not None
                    and worker.role == Role.SERVICE_MANAGER
                    and case.team.service_id in my_services
                )
                sees_family = in_team or personal or service
                assert Family.objects.visible_to(user).filter(pk=fam.pk).exists() == sees_family
                if case is not None:
                    assert Case.objects.visible_to(user).filter(pk=case.pk).exists() == sees_family
                sees_child = sees_family and (not f["restricted"] or i in f["record_grants"])
                assert Person.objects.visible_to(user).filter(pk=child.pk).exists() == sees_child
                sees_address = sees_child and (
                    not f["protected"]
                    or (i in f["protected_grants"] and worker.role != Role.DA_PERPETRATOR_WORKER)
                )
                assert (
                    Address.objects.visible_to(user).filter(pk=address.pk).exists() == sees_address
                )
                # Invariants whatever the rules become:
                if worker.role == Role.DA_PERPETRATOR_WORKER:
                    assert not Address.objects.visible_to(user).filter(protected=True).exists()
            visible_addresses = Address.objects.visible_to(user)
            assert not visible_addresses.exclude(
                person__in=Person.objects.visible_to(user)
            ).exists()
