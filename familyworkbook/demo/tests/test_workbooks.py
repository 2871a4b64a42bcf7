"""The demo county's Workbooks and the practice the fidelity monitor reads (workbooks.py, practice.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse

from conftest import sign_in
from familyworkbook.cases.models import Allocation
from familyworkbook.demo.seeding import seed_county
from familyworkbook.insights import fidelity
from familyworkbook.insights.models import ClinicalSupervision, TrainingRecord
from familyworkbook.insights.periods import Scope
from familyworkbook.meetings.models import Attendance, Meeting
from familyworkbook.teams.models import Role, Team, User
from familyworkbook.workbook import models as wb

ANCHOR = dt.date(2026, 11, 1)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WORKBOOK_MODELS = [
    wb.Entry,
    wb.Goal,
    wb.GoalAction,
    wb.GoalRating,
    wb.RiskNeedItem,
    wb.PriorityIssue,
    wb.ToxicTrioFlag,
    wb.ChangeStage,
    wb.DecisionalBalance,
    wb.ScalingAnswer,
    wb.Intervention,
    Meeting,
    Attendance,
    ClinicalSupervision,
    TrainingRecord,
]


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class DemoWorkbookTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.result = seed_county(families=60, seed=5, anchor=ANCHOR)

    def test_every_workbook_row_is_valid(self) -> None:
        problems = []
        for model in WORKBOOK_MODELS:
            rows = list(model.objects.all())
            assert rows or model is wb.Intervention, f"no {model.__name__} rows"
            for row in rows:
                try:
                    row.full_clean()
                except ValidationError as exc:
                    problems.append(f"{model.__name__} {row.pk}: {exc}")
        assert problems == []

    def test_entries_are_in_their_authors_chapters_and_each_discipline_writes(self) -> None:
        chapters = set()
        for entry in wb.Entry.objects.select_related("author"):
            assert entry.chapter == wb.Chapter.for_role(entry.author.role), entry.pk
            chapters.add(entry.chapter)
        for wanted in (
            wb.Chapter.SOCIAL_WORK,
            wb.Chapter.DA_SURVIVOR,
            wb.Chapter.CHILD_PRACTITIONER,
        ):
            assert wanted in chapters
        # A specialist writes only in a family whose case they are allocated to.
        for entry in wb.Entry.objects.exclude(chapter=wb.Chapter.SOCIAL_WORK).select_related(
            "author"
        )[:300]:
            assert Allocation.objects.filter(
                case__family=entry.family_id, worker=entry.author_id
            ).exists()

    def test_entries_carry_analysis_the_childs_words_and_a_chronology(self) -> None:
        entries = wb.Entry.objects.all()
        assert not entries.filter(meaning_for_child="").exists()
        assert not entries.filter(what_happens_next="").exists()
        assert entries.exclude(child_words="").exists()
        significant = entries.filter(is_significant=True)
        assert significant.exists() and not significant.filter(headline="").exists()
        confidential = entries.exclude(confidential_detail="")
        assert confidential.exists()
        assert not confidential.filter(shared_summary="").exists()

    def test_programme_modules_are_worked_through_in_order(self) -> None:
        by_family: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        sessions = wb.Entry.objects.filter(module__isnull=False)
        for family_id, on, number in sessions.filter(chapter=wb.Chapter.SOCIAL_WORK).values_list(
            "family_id", "happened_on", "module__number"
        ):
            by_family[family_id].append((on, number))
        assert by_family
        for rows in by_family.values():
            numbers = [n for _, n in sorted(rows)]
            assert numbers == sorted(numbers)
        assert wb.Entry.objects.filter(completes_module=True).exists()
        # The adult specialists' sessions run alongside, on the adult module they deliver.
        specialist = sessions.exclude(chapter__in=[wb.Chapter.SOCIAL_WORK])
        assert specialist.exists()
        for chapter, slug in specialist.values_list("chapter", "module__slug").distinct():
            assert slug in {"relationships", "substance-use", "wellbeing"}, (chapter, slug)
        by_family = {f: by_family.get(f, []) for f in sessions.values_list("family_id", flat=True)}
        # Some families' cases do not use the programme: the fidelity measure is not 100%.
        families_with_entries = wb.Entry.objects.values("family_id").distinct().count()
        assert 0 < len(by_family) < families_with_entries

    def test_visits_are_typed_once_the_entry_is_the_statutory_visit(self) -> None:
        links = wb.Entry.visits.through.objects.select_related("entry", "visit")
        assert links.exists()
        for link in links:
            assert link.entry.happened_on == link.visit.visited_on
            assert link.entry.author_id == link.visit.by_id
            assert link.entry.family_id == link.visit.case.family_id
            if link.visit.seen:
                assert link.entry.present.filter(pk=link.visit.child_id).exists()
        # A visit where no child was seen is a significant event: it goes in the chronology.
        for entry in wb.Entry.objects.filter(visits__isnull=False).distinct():
            nobody_seen = not entry.visits.filter(seen=True).exists()
            assert entry.is_significant == nobody_seen, entry.pk

    def test_goals_are_rated_by_worker_and_family_over_time(self) -> None:
        goal = (
            wb.Goal.objects.filter(ratings__rated_by=wb.RatedBy.FAMILY_MEMBER)
            .filter(ratings__rated_by=wb.RatedBy.WORKER)
            .distinct()
            .first()
        )
        assert goal is not None
        assert goal.ratings.values("rated_on").distinct().count() >= 2
        assert wb.Goal.objects.filter(person__kind="child").exists()
        assert wb.Goal.objects.filter(person__kind="adult").exists()

    def test_toxic_trio_flags_follow_the_assessment_and_cycle_of_change_has_history(self) -> None:
        for flag in wb.ToxicTrioFlag.objects.all():
            factors = set()
            for f in flag.family.cases.values_list("cin_episodes__assessments__factors", flat=True):
                factors.update(f or [])
            assert factors & {"3B", "1B", "2B", "4B"}, flag.pk
        history = defaultdict(list)
        for row in wb.ChangeStage.objects.order_by("assessed_on", "pk"):
            history[(row.person_id, row.issue)].append(row)
        assert any(len(rows) >= 2 for rows in history.values())

    def test_group_supervision_only_for_cases_with_an_adult_specialist(self) -> None:
        meetings = Meeting.objects.filter(type__slug=fidelity.GROUP_SUPERVISION_SLUG)
        assert meetings.exists()
        for meeting in meetings.select_related("case"):
            assert meeting.rag and meeting.held_on
            assert meeting.case.opened_on <= meeting.held_on
            assert Allocation.objects.filter(
                case=meeting.case, role__in=[r.value for r in Role.adult_specialists()]
            ).exists()
        assert Attendance.objects.filter(meeting__in=meetings).exists()

    def test_the_fidelity_monitor_shows_teams_meeting_and_missing_thresholds(self) -> None:
        user = User.objects.get(username="service_manager")
        council = fidelity.monitor(user, Scope("council"), dt.date(2026, 1, 1), ANCHOR)
        for m in council["measures"]:
            assert m.latest, f"{m.slug} is {m.latest}"
        seen: dict[str, set[bool]] = defaultdict(set)
        for team in Team.objects.filter(kind="fst"):
            result = fidelity.monitor(user, Scope("team", team), dt.date(2026, 7, 1), ANCHOR)
            for m in result["measures"]:
                if m.meets is not None:
                    seen[m.slug].add(m.meets)
        for slug in ("group_supervision", "programme_use", "clinical_supervision", "mi_trained"):
            assert seen[slug] == {True, False}, slug

    def test_a_demo_family_workbook_page_shows_it(self) -> None:
        family = (
            wb.Goal.objects.filter(family__trio_flags__isnull=False).first().family  # type: ignore[union-attr]
        )
        manager = User.objects.get(username="service_manager")
        client = sign_in(self.client, manager)
        response = client.get(reverse("workbook:home", args=[family.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        goal = wb.Goal.objects.filter(family=family).first()
        assert goal is not None and goal.title in page
        chronology = client.get(reverse("workbook:chronology", args=[family.pk]))
        headline = wb.Entry.objects.filter(family=family, is_significant=True).first()
        if headline is not None:
            assert headline.headline in chronology.content.decode()
