"""Programmes are versioned data: shipped files, the loader and the load_programme command."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from familyworkbook.workbook.loader import (
    PROGRAMMES_DIR,
    ProgrammeFileError,
    load_programme_data,
    read_programme_file,
)
from familyworkbook.workbook.models import DEFAULT_PROGRAMME, SUPPORTING_CHANGE, Programme

pytestmark = pytest.mark.django_db


def test_the_default_programme_has_the_eight_modules_of_the_model(default_programme):
    titles = list(default_programme.modules.values_list("number", "title"))
    assert len(titles) == 8
    assert titles[0] == (1, "Why we are involved and the family's story")
    assert titles[4] == (5, "Relationships and domestic abuse")
    assert titles[7] == (8, "Support network, safety plan and sustaining change")
    for module in default_programme.modules.all():
        assert module.sessions and module.tools and module.prompts and module.example


def test_supporting_change_is_a_twelve_week_intervention_with_screening(programmes):
    sct = Programme.objects.latest_of(SUPPORTING_CHANGE)
    assert sct.kind == "intervention"
    assert sct.default_weeks == 12
    assert len(sct.data["readiness_screening"]["questions"]) == 5


def test_loading_the_same_version_again_changes_nothing(programmes):
    data = read_programme_file(PROGRAMMES_DIR / "family-safeguarding.yaml")
    result = load_programme_data(data)
    assert result.created is False
    assert Programme.objects.filter(slug=DEFAULT_PROGRAMME).count() == 1


def test_a_changed_programme_under_the_same_version_is_refused(programmes):
    data = read_programme_file(PROGRAMMES_DIR / "family-safeguarding.yaml")
    data["modules"][0]["title"] = "Something else"
    with pytest.raises(ProgrammeFileError, match="already loaded with different content"):
        load_programme_data(data)


def test_a_council_loads_a_new_version_and_it_becomes_the_latest(programmes, tmp_path):
    data = read_programme_file(PROGRAMMES_DIR / "family-safeguarding.yaml")
    data["version"] = "2026.1"
    data["modules"].append(
        {"slug": "unborn", "number": 9, "title": "Preparing for the baby", "focus": "child"}
    )
    path = tmp_path / "ours.yaml"
    path.write_text(yaml.safe_dump(data))
    out = io.StringIO()
    call_command("load_programme", str(path), stdout=out)
    assert "Loaded Family Safeguarding programme, version 2026.1: 9 modules" in out.getvalue()
    latest = Programme.objects.latest_of(DEFAULT_PROGRAMME)
    assert latest.version == "2026.1"
    assert Programme.objects.filter(slug=DEFAULT_PROGRAMME).count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("slug: x\n", "Not a valid programme at the top level: 'version' is a required property"),
        (
            "slug: x\nversion: '1'\ntitle: T\nmodules:\n  - {slug: a, title: A}\n",
            "'number' is a required property",
        ),
        (
            "slug: x\nversion: '1'\ntitle: T\nmodules:\n  - {slug: a, number: 1, title: A}\n  - {slug: a, number: 2, title: B}\n",
            "Each module needs its own slug",
        ),
        ("slug: [\n", "is not valid YAML"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(db, tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("(", r"\(")):
        call_command("load_programme", str(path), stdout=io.StringIO())
    assert not Programme.objects.filter(slug="x").exists()
