"""Every export of a return is a disclosure: the audit event, and a sharing-log row per child."""

from __future__ import annotations

import pytest

from familyworkbook.access.models import SharingRecord
from familyworkbook.audit.models import AuditEvent
from familyworkbook.returns import services
from familyworkbook.returns.tests.scenarios import children_of, cin_family, looked_after_family

pytestmark = pytest.mark.django_db


def _logged(family) -> dict[int, SharingRecord]:  # type: ignore[no-untyped-def]
    return {r.person_id: r for r in SharingRecord.objects.filter(family=family)}


def test_cin_census_export_logs_each_child_on_their_family(north, sam, tmp_path):
    family, _ = cin_family(north, sam)
    census = services.export_cin_census(by=sam.user, year=2026, out=tmp_path / "cin.xml")
    logged = _logged(family)
    assert set(logged) == {c.pk for c in children_of(family)} == set(census.person_ids)
    record = next(iter(logged.values()))
    assert record.decision == "shared"
    assert record.recipient == "Department for Education"
    assert record.lawful_basis == "legal_obligation"
    assert record.what == "CIN census 2025/26"
    assert record.created_by == sam.user
    assert record.override_reason.startswith("A statutory return")
    assert record.path.endswith("cin.xml")
    event = AuditEvent.objects.get(verb="exported")
    assert event.data["sharing_records"] == 3
    assert event.data["children_in_no_family"] == 0


def test_ssda903_export_logs_each_looked_after_child(north, sam, tmp_path):
    family, _ = looked_after_family(north, sam)
    result, _ = services.export_ssda903(by=sam.user, year=2026, out=tmp_path / "903")
    assert set(_logged(family)) == {c.pk for c in children_of(family)} == set(result.person_ids)
    assert AuditEvent.objects.get(verb="exported").data["sharing_records"] == 2


def test_csc_api_export_logs_each_document_sent(north, sam, tmp_path):
    family, _ = cin_family(north, sam)
    result = services.export_csc_api(by=sam.user, out=tmp_path / "api")
    assert len(_logged(family)) == result.documents == 3


def test_a_refused_export_logs_nothing(north, sam, tmp_path):
    from familyworkbook.cases.models import CinEpisode
    from familyworkbook.returns.problems import ExportRefusedError

    family, _ = cin_family(north, sam)
    CinEpisode.objects.filter(child=children_of(family)[0]).update(primary_need="")
    with pytest.raises(ExportRefusedError):
        services.export_cin_census(by=sam.user, year=2026, out=tmp_path / "cin.xml")
    assert not SharingRecord.objects.exists()
    assert not AuditEvent.objects.filter(verb="exported").exists()
