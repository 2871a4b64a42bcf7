"""The demo county's returns pass the sector's validators: the record can be the return."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from familyworkbook.returns import services
from familyworkbook.returns.tests.conftest import error_count

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [3, 8])
def test_demo_county_returns_have_no_errors_under_both_validators(seed, tmp_path, run_validator):
    call_command("seed_demo", "--families", "60", "--seed", str(seed), stdout=io.StringIO())
    # No force: any problem our own checks find would refuse the export and name it.
    census = services.export_cin_census(by=None, year=2026, out=tmp_path / "cin.xml")
    result, counts = services.export_ssda903(by=None, year=2026, out=tmp_path / "903")
    api = services.export_csc_api(by=None, out=tmp_path / "api")
    assert census.children > 20
    assert counts["episodes.csv"] > 5 and counts["sw_episodes.csv"] > 5
    assert api.documents >= census.children
    done = run_validator("cin", tmp_path / "cin.xml")
    assert error_count(done.stdout) == 0, done.stdout
    done = run_validator(
        "903", tmp_path / "903", "--year", "2026", "--la", settings.COUNCIL_ONS_CODE
    )
    assert error_count(done.stdout) == 0, done.stdout
