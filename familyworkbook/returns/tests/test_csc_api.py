"""DfE CSC API payloads: one request body per child, valid against the DfE's OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import CinEpisode, CpPlan
from familyworkbook.people.models import Address, AddressKind
from familyworkbook.returns import services
from familyworkbook.returns.csc_api import SCHEMA_PATH, build_documents, openapi
from familyworkbook.returns.tests.scenarios import children_of, cin_family, looked_after_family

pytestmark = pytest.mark.django_db


def documents() -> dict[str, list[dict]]:
    return {child.la_child_id: body for child, body, _ in build_documents() if body}


def test_the_vendored_spec_is_the_dfe_one_with_its_licence():
    assert openapi()["info"]["title"] == "DfE CSC API"
    licence = (SCHEMA_PATH.parent / "LICENCE.md").read_text()
    assert "MIT" in licence and "Department for Education" in licence


def test_every_document_matches_the_schema(north, sam, tmp_path):
    cin_family(north, sam)
    looked_after_family(north, sam)
    out = tmp_path / "api"
    result = services.export_csc_api(by=sam.user, out=out)
    assert result.documents == 5
    validator = services.csc_validator()
    for path in out.iterdir():
        body = json.loads(path.read_text())
        assert list(validator.iter_errors(body)) == [], path.name
        assert len(body) == 1 and f"{body[0]['la_child_id']}.json" == path.name
    assert AuditEvent.objects.get(verb="exported").data["children"] == 5


def test_the_schema_check_is_strict():
    validator = services.csc_validator()
    assert list(validator.iter_errors([{"la_child_id": "C1"}])) == []
    assert list(validator.iter_errors([{"la_child_id": "C-1"}]))  # pattern
    assert list(validator.iter_errors([{"la_child_id": "C1", "unknown": 1}]))  # additional
    bad_date = [{"la_child_id": "C1", "child_details": {"date_of_birth": "31/03/2026"}}]
    assert list(validator.iter_errors(bad_date))  # format: date


def test_episode_carries_plans_conferences_and_placements(north, sam):
    family, _ = cin_family(north, sam)
    second = children_of(family)[1]
    [episode] = documents()[second.la_child_id][0]["social_care_episodes"]
    assert episode["referral_source"] == "6"
    assert episode["section_47_assessments"][0]["icpc_date"] == "2025-09-19"
    assert episode["child_protection_plans"][0]["start_date"] == "2025-09-19"
    assert episode["care_worker_details"] == [
        {"worker_id": sam.swe_number, "start_date": "2025-06-02"}
    ]
    family, _ = looked_after_family(north, sam)
    long_stay = children_of(family)[0]
    [episode] = documents()[long_stay.la_child_id][0]["social_care_episodes"]
    assert [p["start_reason"] for p in episode["child_looked_after_placements"]] == ["S", "P"]


def test_archived_records_are_sent_as_purge_flags(north, sam, tmp_path):
    family, _ = cin_family(north, sam)
    first, second, _ = children_of(family)
    first.archive(by=sam.user)
    CpPlan.objects.filter(episode__child=second).update(archived_at=timezone.now())
    docs = documents()
    assert docs[first.la_child_id] == [{"la_child_id": first.la_child_id, "purge": True}]
    [episode] = docs[second.la_child_id][0]["social_care_episodes"]
    assert episode["child_protection_plans"][0]["purge"] is True
    CinEpisode.objects.filter(child=second).update(archived_at=timezone.now())
    [episode] = documents()[second.la_child_id][0]["social_care_episodes"]
    assert episode == {"social_care_episode_id": episode["social_care_episode_id"], "purge": True}
    result = services.export_csc_api(by=sam.user, out=tmp_path / "api")
    assert result.purged == 1


def test_a_protected_home_postcode_is_left_out(north, sam):
    family, _ = cin_family(north, sam)
    first = children_of(family)[0]
    address = Address.objects.create(
        person=first,
        kind=AddressKind.HOME,
        line_1="1 Hidden Way",
        town="Cambridge",
        postcode="CB1 1AA",
        from_date=dt.date(2025, 1, 1),
    )
    assert documents()[first.la_child_id][0]["child_details"]["postcode"] == "CB1 1AA"
    Address.objects.filter(pk=address.pk).update(protected=True)
    details = documents()[first.la_child_id][0]["child_details"]
    assert "postcode" not in details
    assert "CB1 1AA" not in json.dumps(documents())


def test_a_child_without_an_la_child_id_is_named_not_sent(north, sam, tmp_path):
    family, _ = cin_family(north, sam)
    first = children_of(family)[0]
    type(first).objects.filter(pk=first.pk).update(la_child_id="")
    problems = [p for _, body, ps in build_documents() for p in ps if body is None]
    assert [(p.person_id, p.field) for p in problems] == [(first.pk, "LA child ID")]
    with pytest.raises(services.ExportRefusedError):
        services.export_csc_api(by=sam.user, out=tmp_path / "api")
    result = services.export_csc_api(by=sam.user, out=tmp_path / "api", force=True)
    assert result.documents == 2
