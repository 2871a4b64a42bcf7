"""seed_demo on a small county (30 families): what it builds, and that every record is valid."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory, TestCase, override_settings

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
from familyworkbook.demo import postcodes
from familyworkbook.demo.builders import DEMO_PASSWORD
from familyworkbook.demo.tests import rules
from familyworkbook.people.models import (
    Address,
    AddressKind,
    FamilyMembership,
    MembershipKind,
    Person,
    PersonKind,
    Relationship,
    upn_check_letter,
)
from familyworkbook.teams.models import (
    District,
    EmploymentType,
    Organisation,
    OrganisationKind,
    Post,
    Role,
    Team,
    TeamKind,
    User,
    Worker,
)

ANCHOR = dt.date(2026, 11, 1)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(username: str, password: str) -> User | None:
    """authenticate() as the sign-in page calls it (the lockout backend needs the request)."""
    return authenticate(RequestFactory().post("/sign-in/"), username=username, password=password)


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class SmallCountyTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        out = StringIO()
        call_command("seed_demo", families=30, seed=3, stdout=out)
        cls.output = out.getvalue()

    # --- what the command says ---------------------------------------------------------

    def test_it_prints_progress_and_a_summary_table(self) -> None:
        assert "Seeding 30 families (seed 3, as seen on 01 November 2026)" in self.output
        assert "county: " in self.output
        # The progress bar's last line (a StringIO is no terminal: a line per tenth).
        assert f"families 30/30 [{'#' * 30}] 100%" in self.output
        assert "analysed … " in self.output
        for heading in (
            "Organisations",
            "Teams",
            "Posts",
            "Workers",
            "Families",
            "People",
            "Cases",
            "Episodes of need",
            "Plans open",
            "Visits",
            "Addresses",
            "Case mix achieved",
            "Re-referrals",
            "Average age of open children",
        ):
            assert heading in self.output, heading
        assert f"{Case.objects.open().count():,} open" in self.output

    # --- the county --------------------------------------------------------------------

    def test_the_council_and_its_districts_carry_their_ons_codes(self) -> None:
        council = Organisation.objects.get(kind=OrganisationKind.COUNCIL)
        assert (council.name, council.ons_code) == (
            settings.COUNCIL_NAME,
            settings.COUNCIL_ONS_CODE,
        )
        assert dict(District.objects.values_list("name", "ons_code")) == {
            "Cambridge": "E07000008",
            "East Cambridgeshire": "E07000009",
            "Fenland": "E07000010",
            "Huntingdonshire": "E07000011",
            "South Cambridgeshire": "E07000012",
        }
        assert council.services.get().name == "Children's Social Care"

    def test_partners_are_the_pilots_kinds_of_organisation(self) -> None:
        kinds = dict(Organisation.objects.values_list("name", "kind"))
        assert (
            kinds["Cambridgeshire and Peterborough NHS Foundation Trust"]
            == OrganisationKind.NHS_TRUST
        )
        assert kinds["Probation Service"] == OrganisationKind.PROBATION
        assert kinds["Cambridgeshire Constabulary"] == OrganisationKind.POLICE
        assert kinds["Change Grow Live"] == OrganisationKind.RECOVERY
        assert OrganisationKind.VOLUNTARY in kinds.values()

    def test_ten_family_safeguarding_teams_two_per_district_and_the_central_teams(self) -> None:
        per_district = Counter(
            Team.objects.filter(kind=TeamKind.FAMILY_SAFEGUARDING).values_list(
                "district__name", flat=True
            )
        )
        assert per_district == dict.fromkeys(per_district, 2) and len(per_district) == 5
        for name in (
            "Conference and Reviewing Service",
            "Legal Services",
            "Early Help Hub",
            "Performance and Intelligence",
        ):
            assert Team.objects.filter(name=name).exists(), name

    def test_posts_and_vacancies_are_the_pilots_on_31_july_2020(self) -> None:
        fst = Post.objects.filter(teams__kind=TeamKind.FAMILY_SAFEGUARDING).distinct()

        def posts(role: str) -> tuple[int, Decimal, Decimal]:
            rows = fst.filter(role=role)
            total = sum((p.fte for p in rows), Decimal(0))
            vacant = sum((p.fte for p in rows if p.is_vacant), Decimal(0))
            return rows.count(), total, vacant

        assert posts(Role.TEAM_MANAGER) == (10, Decimal("10"), Decimal("1"))
        assert posts(Role.SENIOR_PRACTITIONER) == (10, Decimal("10"), Decimal("1"))
        assert posts(Role.SOCIAL_WORKER)[1:] == (Decimal("41.5"), Decimal("3"))
        assert posts(Role.CHILD_PRACTITIONER)[1:] == (Decimal("20"), Decimal("0.5"))
        assert posts(Role.DA_SURVIVOR_WORKER) == (5, Decimal("5"), Decimal("0"))
        assert posts(Role.DA_PERPETRATOR_WORKER) == (5, Decimal("5"), Decimal("2"))
        assert posts(Role.SUBSTANCE_MISUSE_WORKER) == (5, Decimal("5"), Decimal("2"))
        established_mh = fst.filter(role=Role.MENTAL_HEALTH_PRACTITIONER, fte=Decimal("1.00"))
        assert established_mh.count() == 5 and all(p.is_vacant for p in established_mh)

    def test_adult_specialists_are_shared_by_two_teams_and_employed_by_the_right_partner(
        self,
    ) -> None:
        employers = {
            Role.DA_SURVIVOR_WORKER: OrganisationKind.VOLUNTARY,
            Role.DA_PERPETRATOR_WORKER: OrganisationKind.PROBATION,
            Role.SUBSTANCE_MISUSE_WORKER: OrganisationKind.RECOVERY,
            Role.MENTAL_HEALTH_PRACTITIONER: OrganisationKind.NHS_TRUST,
        }
        for post in Post.objects.filter(role__in=employers).select_related("organisation"):
            assert post.organisation.kind == employers[post.role]
            assert post.teams.count() == 2
        assert all(p.teams.count() <= Post.MAX_TEAMS for p in Post.objects.all())
        assert not Post.objects.filter(holder__isnull=False, vacant_since__isnull=False).exists()

    def test_workers_of_every_role_some_agency_some_asye(self) -> None:
        assert set(Worker.objects.values_list("role", flat=True)) == set(Role.values)
        workers = Worker.objects.count()
        agency = Worker.objects.filter(employment_type=EmploymentType.AGENCY).count()
        assert 0.05 <= agency / workers <= 0.11
        assert Worker.objects.filter(
            employment_type=EmploymentType.ASYE, role=Role.SOCIAL_WORKER
        ).exists()
        for worker in Worker.objects.select_related("user"):
            worker.full_clean()

    def test_every_role_has_a_demo_user_who_can_sign_in(self) -> None:
        for role in Role.values:
            user = sign_in(role, DEMO_PASSWORD)
            assert user is not None, role
            assert user.worker.role == role
            assert Team.objects.of_user(user).exists(), role
        admin = User.objects.get(username=Role.SYSTEM_ADMIN)
        assert admin.is_staff and admin.is_superuser
        assert not User.objects.get(username=Role.SOCIAL_WORKER).is_staff

    def test_other_workers_cannot_sign_in(self) -> None:
        others = User.objects.exclude(username__in=Role.values)
        assert others.exists()
        assert not any(user.has_usable_password() for user in others)

    def test_demo_users_share_the_demo_team(self) -> None:
        sw = Team.objects.of_user(User.objects.get(username=Role.SOCIAL_WORKER)).get()
        for role in (
            Role.TEAM_MANAGER,
            Role.SENIOR_PRACTITIONER,
            Role.CHILD_PRACTITIONER,
            Role.DA_SURVIVOR_WORKER,
            Role.DA_PERPETRATOR_WORKER,
            Role.MENTAL_HEALTH_PRACTITIONER,
            Role.SUBSTANCE_MISUSE_WORKER,
        ):
            assert sw in Team.objects.of_user(User.objects.get(username=role)), role

    def test_demo_logins_prints_one_row_per_role(self) -> None:
        out = StringIO()
        call_command("demo_logins", stdout=out)
        lines = out.getvalue().splitlines()
        for column in ("Role", "Username", "Password", "Team"):
            assert column in lines[0]
        for role, label in Role.choices:
            rows = [line for line in lines if f" {role} " in line]
            assert len(rows) == 1, role
            assert rows[0].startswith(str(label)) and DEMO_PASSWORD in rows[0]
        social_worker = next(line for line in lines if " social_worker " in line)
        assert "Family Safeguarding Team 1" in social_worker

    # --- people ------------------------------------------------------------------------

    def test_every_person_passes_full_clean(self) -> None:
        people = list(Person.objects.all())
        assert len(people) > 60
        for person in people:
            person.full_clean()

    def test_children_have_statutory_identifiers(self) -> None:
        children = Person.objects.filter(kind=PersonKind.CHILD)
        assert children.exists()
        for child in children:
            assert child.sex in {"M", "F"}
            assert child.la_child_id and len(child.la_child_id) <= 20
            assert child.disabilities
            if child.age_on(ANCHOR) >= 5:
                assert child.upn[1:4] == settings.COUNCIL_DFE_LA_NUMBER
                assert upn_check_letter(child.upn[1:]) == child.upn[0]
            else:
                assert (child.upn, child.upn_unknown_reason) == ("", "UN1")
        ids = list(Person.objects.exclude(la_child_id="").values_list("la_child_id", flat=True))
        assert len(ids) == len(set(ids))
        nhs = list(Person.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
        assert nhs and len(nhs) == len(set(nhs)) and all(n.startswith("999") for n in nhs)

    def test_relationships_have_inverses_pointing_back(self) -> None:
        assert Relationship.objects.count() > 50
        assert rules.record_problems(ANCHOR) == []
        assert Relationship.objects.filter(
            kind="parent", parental_responsibility=True, is_main_carer=True
        ).exists()

    def test_every_family_has_a_household_with_a_child(self) -> None:
        for membership_kinds in (
            FamilyMembership.objects.filter(family=f).values_list("kind", "person__kind")
            for f in Case.objects.values_list("family", flat=True).distinct()
        ):
            kinds = set(membership_kinds)
            assert (MembershipKind.HOUSEHOLD, PersonKind.ADULT) in kinds
            assert kinds & {
                (MembershipKind.HOUSEHOLD, PersonKind.CHILD),
                (MembershipKind.HOUSEHOLD, PersonKind.UNBORN),
            }

    def test_addresses_are_real_postcodes_in_the_familys_district(self) -> None:
        lookup = postcodes.authority_of()
        team_district = dict(Case.objects.values_list("family_id", "team__district__ons_code"))
        homes = Address.objects.filter(
            kind=AddressKind.HOME,
            person__memberships__kind=MembershipKind.HOUSEHOLD,
        ).values_list("postcode", "person__memberships__family_id")
        assert homes
        for postcode, family_id in homes:
            assert lookup.get(postcode) == team_district[family_id], postcode
        for address in Address.objects.all():
            assert address.postcode in lookup
            address.full_clean()

    # --- cases and statutory episodes --------------------------------------------------

    def test_every_case_and_statutory_episode_passes_full_clean(self) -> None:
        for model in (
            Case,
            CinEpisode,
            Assessment,
            Section47,
            CinPlan,
            CpPlan,
            CpReview,
            LookedAfterEpisode,
            PreProceedings,
            CareProceedings,
        ):
            rows = list(model.objects.all())
            assert rows, model.__name__
            for obj in rows:
                obj.full_clean()

    def test_a_sample_of_the_plentiful_rows_passes_full_clean(self) -> None:
        # Visits, allocations, memberships and relationships run to hundreds even here;
        # every fifth keeps the test quick, and the rule checks below see them all.
        for model in (Visit, Allocation, FamilyMembership, Relationship):
            rows = list(model.objects.order_by("pk"))
            assert len(rows) > 50, model.__name__
            for obj in rows[::5]:
                obj.full_clean()

    def test_episodes_keep_the_cin_census_rules(self) -> None:
        assert CpPlan.objects.exists() and Section47.objects.exists()
        assert rules.episode_problems(ANCHOR) == []

    def test_looked_after_episodes_keep_the_ssda903_rules(self) -> None:
        assert LookedAfterEpisode.objects.exists()
        assert rules.looked_after_problems() == []

    def test_there_is_history_as_well_as_open_work(self) -> None:
        assert Case.objects.filter(closed_on__isnull=False).exists()
        assert Case.objects.open().exists()
        assert CinEpisode.objects.filter(referral_on__year__lte=2022).exists()


class SeedDemoFullHasherTests(TestCase):
    """With the real password hasher, as `make run` uses it."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", families=3, seed=1, quiet=True, stdout=StringIO())

    def test_the_documented_password_signs_the_social_worker_in(self) -> None:
        assert sign_in(Role.SOCIAL_WORKER, DEMO_PASSWORD) is not None
        assert sign_in(Role.SOCIAL_WORKER, "wrong-password") is None


class SeedDemoDashboardsTests(TestCase):
    """seed_demo queues the dashboards' refresh (run at once here, FWB_TASKS_IMMEDIATE=true),
    so `make run` opens on precomputed figures; --no-dashboards leaves it to refresh_insights."""

    def test_the_dashboards_are_precomputed_after_seeding(self) -> None:
        from familyworkbook.insights.models import DashboardSummary

        call_command("seed_demo", families=3, seed=1, quiet=True, stdout=StringIO())
        assert DashboardSummary.objects.filter(scope_key="council").exists()

    def test_no_dashboards_leaves_the_table_empty(self) -> None:
        from familyworkbook.insights.models import DashboardSummary

        call_command(
            "seed_demo", families=3, seed=1, quiet=True, no_dashboards=True, stdout=StringIO()
        )
        assert not DashboardSummary.objects.exists()
