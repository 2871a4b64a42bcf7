"""Schema loading and validation."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from familyworkbook.documents import schemas

GOOD = {
    "key": "council_chronology",
    "version": 1,
    "title": "Council chronology",
    "audience": "court",
    "page_limit": 10,
    "sections": [
        {"key": "events", "heading": "Events", "kind": "filled", "filler": "court.chronology"},
        {"key": "summary", "heading": "Summary", "kind": "written", "written_by": "Social worker"},
    ],
}


def bad(**changes):
    data = {**GOOD, **changes}
    return data


def test_a_good_schema_parses():
    t = schemas.parse(GOOD, "good.yaml")
    assert [s.key for s in t.sections] == ["events", "summary"]
    assert [s.key for s in t.written_sections] == ["summary"]
    assert t.subject == "family" and t.page_limit == 10


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            bad(sections=[{"key": "x", "heading": "X", "kind": "filled", "filler": "no.such"}]),
            "unknown filler 'no.such'",
        ),
        (
            bad(sections=[GOOD["sections"][0], {**GOOD["sections"][0], "heading": "Again"}]),
            "duplicate section key 'events'",
        ),
        (bad(audience="press"), "audience must be one of"),
        (bad(subject="house"), "subject must be one of"),
        (bad(version="two"), "'version' must be a whole number"),
        (bad(sections=[]), "'sections' must list at least one section"),
        (bad(sections=[{"key": "w", "heading": "W", "kind": "written"}]), "names who writes it"),
        (bad(sections=[{"key": "f", "heading": "F", "kind": "filled"}]), "names its 'filler'"),
        (
            bad(sections=[{"key": "f", "kind": "filled", "filler": "court.chronology"}]),
            "'heading' is required",
        ),
        (bad(colour="red"), "unknown field(s) colour"),
    ],
)
def test_bad_schemas_fail_with_a_clear_error(data, message):
    with pytest.raises(schemas.SchemaError) as caught:
        schemas.parse(data, "council.yaml")
    assert message in str(caught.value)
    assert "council.yaml" in str(caught.value)


def test_every_shipped_schema_is_valid():
    types = schemas.load_dir(schemas.SHIPPED_DIR)
    keys = {t.key for t in types}
    assert {"court_chronology", "cp_conference_initial", "cp_conference_review"} <= keys


def test_a_council_overrides_by_key_with_a_higher_version(tmp_path, settings):
    own = {**GOOD, "key": "court_chronology", "version": 2, "title": "Our court chronology"}
    (tmp_path / "ours.yaml").write_text(yaml.safe_dump(own))
    settings.FWB_DOCUMENT_SCHEMAS_DIR = str(tmp_path)
    schemas.reload()
    try:
        assert schemas.get("court_chronology").title == "Our court chronology"
        assert schemas.get("court_chronology", 1).title == "Social work chronology for the court"
        assert schemas.get("court_chronology", 1).version == 1
    finally:
        settings.FWB_DOCUMENT_SCHEMAS_DIR = None
        schemas.reload()
    assert schemas.get("court_chronology").version == 1


def test_check_command_reports_a_bad_council_file(tmp_path):
    (tmp_path / "broken.yaml").write_text(
        yaml.safe_dump(
            bad(sections=[{"key": "x", "heading": "X", "kind": "filled", "filler": "nope"}])
        )
    )
    with pytest.raises(CommandError, match="unknown filler 'nope'"):
        call_command("check_document_schemas", str(tmp_path))
