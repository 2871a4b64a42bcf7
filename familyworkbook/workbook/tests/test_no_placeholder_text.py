"""No placeholder text in the product (issue 22): every page a team manager and a social worker
can open for a few families of a seeded demo county, searched for the words a placeholder
leaves behind.

The pages are enumerated from the URL patterns, as the access matrix does
(`familyworkbook/access/tests/test_url_matrix.py`): each keyword a pattern takes is filled
from the family's own records, and a pattern with a keyword this test cannot fill is left
out (and counted, so a test that stops reaching pages fails instead of passing empty).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.test import TestCase, override_settings
from django.urls import reverse

from conftest import sign_in
from familyworkbook.access.tests.world import all_patterns
from familyworkbook.cases.models import Allocation, Case, CinEpisode
from familyworkbook.demo.seeding import seed_county
from familyworkbook.meetings.models import Action, Meeting
from familyworkbook.people.models import Family, FamilyMembership, Person
from familyworkbook.teams.models import User
from familyworkbook.workbook import models as wb

ANCHOR = dt.date(2026, 11, 1)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# What a placeholder leaves behind. "placeholder" is searched for in the text people read,
# not in the HTML attribute of that name (a hint inside an empty input is GOV.UK's pattern).
WORDS = re.compile(r"not yet available|\bTODO\b|coming soon|placeholder|lorem", re.IGNORECASE)
FAMILIES = 3
# Pages that show most with a question asked (their defaults are read as well).
WITH_QUERIES = [
    ("insights:fidelity_behind", "?measure=programme_use"),
    ("insights:fidelity_behind", "?measure=group_supervision"),
    ("insights:dashboard_cases", "?table=open&column=1&row=0"),
]
# Pages whose answer is a file or an action, not a page to read.
SKIP_NAMES = {"logout", "set_language"}


def _first_pk(qs: Any) -> int | None:
    return qs.order_by("pk").values_list("pk", flat=True).first()


def _fillers(family: Family) -> dict[str, Callable[[], Any]]:
    """For each URL keyword, a record of this family (or None when it has none)."""
    person = Person.objects.filter(memberships__family=family, kind="child")
    case = Case.objects.filter(family=family)
    return {
        "family_id": lambda: family.pk,
        "person_id": lambda: _first_pk(person),
        "case_id": lambda: _first_pk(case.order_by("-opened_on")),
        "episode_id": lambda: _first_pk(CinEpisode.objects.filter(case__family=family)),
        "allocation_id": lambda: _first_pk(Allocation.objects.filter(case__family=family)),
        "membership_id": lambda: _first_pk(FamilyMembership.objects.filter(family=family)),
        "meeting_id": lambda: _first_pk(Meeting.objects.filter(family=family)),
        "action_id": lambda: _first_pk(Action.objects.filter(meeting__family=family)),
        "entry_id": lambda: _first_pk(wb.Entry.objects.filter(family=family)),
        "goal_id": lambda: _first_pk(wb.Goal.objects.filter(family=family)),
        "intervention_id": lambda: _first_pk(wb.Intervention.objects.filter(family=family)),
        "issue_id": lambda: _first_pk(wb.PriorityIssue.objects.filter(family=family)),
        "flag_id": lambda: _first_pk(wb.ToxicTrioFlag.objects.filter(family=family)),
        "item_id": lambda: _first_pk(wb.RiskNeedItem.objects.filter(family=family)),
        "chapter": lambda: wb.Chapter.SOCIAL_WORK.value,
    }


def visible_text(html: str) -> str:
    """What a reader sees or hears: the markup, scripts and styles dropped, alt text and
    labels kept."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    kept = " ".join(re.findall(r'(?i)\b(?:alt|title|aria-label|value)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + kept


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class PlaceholderTextTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed_county(families=30, seed=2, anchor=ANCHOR)

    def _families(self, user: User) -> list[Family]:
        """The user's open families with the most recorded first: they reach the most pages."""
        return list(
            Family.objects.visible_to(user)
            .filter(cases__closed_on__isnull=True)
            .annotate(
                meetings_held=Count("meetings", distinct=True),
                n=Count("workbook_entries", distinct=True),
            )
            .order_by("-meetings_held", "-n", "pk")[:FAMILIES]
        )

    def _walk(self, username: str) -> tuple[dict[str, list[str]], set[str]]:
        user = User.objects.get(username=username)
        client = sign_in(self.client, user)
        found: dict[str, list[str]] = {}
        read: set[str] = set()
        families = self._families(user)
        assert families, f"{username} sees no open family in the demo county"
        patterns = [p for p in all_patterns() if not p.route.startswith("admin/")]
        urls: set[str] = set()
        for pattern in patterns:
            if pattern.name in SKIP_NAMES:
                continue
            if not pattern.kwargs:
                urls.add(reverse(pattern.name))
                continue
            for family in families:
                fill = _fillers(family)
                if not all(k in fill for k in pattern.kwargs):
                    break
                values = {k: fill[k]() for k in pattern.kwargs}
                if any(v is None for v in values.values()):
                    continue
                urls.add(reverse(pattern.name, kwargs=values))
        urls.update(reverse(name) + query for name, query in WITH_QUERIES)
        for url in sorted(urls):
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            read.add(url)
            text = visible_text(response.content.decode())
            hits = sorted({m.group(0) for m in WORDS.finditer(text)})
            if hits:
                found[url] = [
                    text[max(0, m.start() - 60) : m.end() + 60].strip()
                    for m in WORDS.finditer(text)
                ]
        return found, read

    def test_team_manager_and_social_worker_pages_carry_no_placeholder_text(self) -> None:
        for username in ("team_manager", "social_worker"):
            found, read = self._walk(username)
            # The walk must reach the Workbook, Meetings and Insights, not just the home page.
            assert len(read) >= 40, (username, len(read), sorted(read))
            for where in (r"/workbook/family/\d+/$", r"/meetings/\d+/$", r"/fidelity/behind/\?"):
                assert any(re.search(where, u) for u in read), (username, where)
            assert found == {}, (username, found)
