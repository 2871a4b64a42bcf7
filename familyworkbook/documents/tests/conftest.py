"""Documents test helpers: a family with a case, entries, statutory events, risk and need,
goals and a survivor's protected address (the canary)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from familyworkbook.cases.models import CinEpisode, CpPlan, Visit
from familyworkbook.demo import builders
from familyworkbook.people.models import Address, PersonKind
from familyworkbook.workbook.models import Chapter, Entry, Goal, GoalRating, RiskNeedItem

CANARY_LINE = "17 Kestrel Hideaway Row"
CANARY_POSTCODE = "ZZ9 4QX"
TODAY = dt.date.today()  # noqa: DTZ011


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def make_entry(family, author, on, *, significant=True, headline="", **fields) -> Entry:
    values = {
        "kind": "home_visit",
        "what_happened": "Home visit; the children showed me their rooms.",
        "meaning_for_child": "The children have a safe place to sleep.",
        "what_happens_next": "Visit again next week.",
    }
    values.update(fields)
    entry = Entry(
        family=family,
        author=author,
        chapter=fields.pop("chapter", Chapter.SOCIAL_WORK),
        happened_on=on,
        is_significant=significant,
        headline=headline or (f"Event on {on:%d/%m/%Y}" if significant else ""),
        **{k: v for k, v in values.items() if k != "chapter"},
    )
    entry.stamp(author.user)
    entry.save()
    return entry


@pytest.fixture
def casefile(smith_family, smith_case, sam):
    family = smith_family
    for record in (family, *family.members.all()):
        type(record).objects.filter(pk=record.pk).update(created_by=sam.user)
    children = list(family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth"))
    adults = list(family.members.filter(kind=PersonKind.ADULT).order_by("date_of_birth"))
    ava, leo = children
    alex, jo = adults
    safe = Address.objects.create(
        person=jo,
        kind="safe",
        line_1=CANARY_LINE,
        town="Elsewhere",
        postcode=CANARY_POSTCODE,
        from_date=days_ago(200),
        protected=True,
    )
    episode = CinEpisode.objects.filter(child=ava).first()
    CpPlan.objects.create(
        episode=episode, started_on=days_ago(100), initial_category="NEG", latest_category="NEG"
    )
    Visit.objects.create(
        child=ava,
        case=smith_case,
        visited_on=days_ago(20),
        kind="cp",
        seen=True,
        seen_alone=True,
        by=sam,
    )
    entries = [
        make_entry(
            family,
            sam,
            days_ago(300),
            headline="Police called to the home",
            kind="phone",
            meaning_for_child="Ava heard shouting and was frightened.",
        ),
        make_entry(
            family,
            sam,
            days_ago(150),
            headline="Jo moved to a refuge",
            meaning_for_child=f"Ava is safer; Jo now lives at {CANARY_LINE}, {CANARY_POSTCODE}.",
        ),
        make_entry(
            family,
            sam,
            days_ago(30),
            headline="Ava seen alone at school",
            kind="direct_work",
            child_words="I like it when Mum reads to me.",
        ),
        make_entry(family, sam, days_ago(10), significant=False),
    ]
    worry = RiskNeedItem.objects.create(
        family=family, kind="worry", text="Shouting at home at night", identified_on=days_ago(120)
    )
    strength = RiskNeedItem.objects.create(
        family=family,
        kind="strength",
        text="Jo takes the children to school every day",
        identified_on=days_ago(120),
    )
    change = RiskNeedItem.objects.create(
        family=family,
        kind="must_change",
        text="Alex to complete the perpetrator programme",
        identified_on=days_ago(120),
    )
    goal = Goal.objects.create(
        family=family, person=jo, title="The children feel safe at home", set_on=days_ago(120)
    )
    for n, (who, score) in enumerate([("worker", 3), ("family", 5), ("worker", 6), ("family", 7)]):
        GoalRating.objects.create(
            goal=goal,
            rated_on=days_ago(100 - n * 20),
            rated_by=who,
            score=score,
            recorded_by=sam.user,
        )
    return SimpleNamespace(
        family=family,
        case=smith_case,
        sam=sam,
        ava=ava,
        leo=leo,
        alex=alex,
        jo=jo,
        safe=safe,
        entries=entries,
        risk=[worry, strength, change],
        goal=goal,
    )


@pytest.fixture
def outsider(south):
    return builders.worker(
        "olly", role="social_worker", teams=[south], first_name="Olly", last_name="Out"
    )
