"""Worked examples of good recording per role (recording-examples.yaml) on the guide, each
chapter page and the entry form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from conftest import sign_in
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role
from familyworkbook.workbook.loader import (
    ProgrammeFileError,
    recording_examples,
)
from familyworkbook.workbook.models import Chapter

pytestmark = pytest.mark.django_db

ROLES = [
    (Role.SOCIAL_WORKER, Chapter.SOCIAL_WORK),
    (Role.CHILD_PRACTITIONER, Chapter.CHILD_PRACTITIONER),
    (Role.DA_SURVIVOR_WORKER, Chapter.DA_SURVIVOR),
    (Role.DA_PERPETRATOR_WORKER, Chapter.DA_PERPETRATOR),
    (Role.SUBSTANCE_MISUSE_WORKER, Chapter.SUBSTANCE_MISUSE),
    (Role.MENTAL_HEALTH_PRACTITIONER, Chapter.MENTAL_HEALTH),
]


def first_words(text: str) -> str:
    """The start of an example as the page shows it (HTML-escaped)."""
    return escape(text[:60])


def test_every_chapter_has_an_example_and_the_adult_modules_have_the_specialists():
    examples = recording_examples()
    for chapter in Chapter.values:
        assert examples[chapter]["general"].strip(), chapter
    assert "relationships" in examples[Chapter.DA_SURVIVOR]["modules"]
    assert "substance-use" in examples[Chapter.SUBSTANCE_MISUSE]["modules"]
    assert "wellbeing" in examples[Chapter.MENTAL_HEALTH]["modules"]


def test_a_broken_examples_file_is_refused_with_where(tmp_path):
    bad = tmp_path / "examples.yaml"
    bad.write_text("chapters:\n  social_work:\n    modules: {}\n", encoding="utf-8")
    with pytest.raises(ProgrammeFileError, match="chapters/social_work"):
        recording_examples(bad)


@pytest.mark.parametrize(("role", "chapter"), ROLES)
def test_the_guide_shows_each_role_its_own_example_first(client, north, programmes, role, chapter):
    worker = builders.worker(f"w_{role}", role=role, teams=[north])
    page = sign_in(client, worker).get(reverse("workbook:guide")).content.decode()
    example = recording_examples()[chapter]["general"]
    mine = page.index(f'data-example="{chapter}"')
    assert "For your role" in page[mine : mine + 400]
    assert first_words(example) in page[mine : mine + 1500]
    # And every role's examples, each with its anchor, with the module examples.
    for _role, other in ROLES:
        assert f'id="chapter-{other}"' in page
    assert "Module 5. Relationships and domestic abuse" in page


@pytest.mark.parametrize(("role", "chapter"), ROLES)
def test_each_chapter_page_and_the_entry_form_show_that_chapters_example(
    client, north, smith_family, smith_case, programmes, role, chapter
):
    worker = builders.worker(f"w_{role}", role=role, teams=[north])
    if role != Role.SOCIAL_WORKER:
        from familyworkbook.cases.models import Allocation

        Allocation.objects.create(
            case=smith_case, worker=worker, role=role, started_on=smith_case.opened_on
        )
    sign_in(client, worker)
    example = first_words(recording_examples()[chapter]["general"])
    page = client.get(reverse("workbook:chapter", args=[smith_family.pk, chapter]))
    assert page.status_code == 200
    assert example in page.content.decode()
    form = client.get(reverse("workbook:add_entry", args=[smith_family.pk])).content.decode()
    assert example in form
    assert f"#chapter-{chapter}" in form
