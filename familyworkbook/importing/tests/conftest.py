from __future__ import annotations

import re

import pytest

from familyworkbook.demo import builders
from familyworkbook.importing.models import ImportProblem, ImportRun
from familyworkbook.teams.models import Role


@pytest.fixture
def sysadmin(north):
    return builders.worker(
        "sysadmin", role=Role.SYSTEM_ADMIN, teams=[north], first_name="Sys", last_name="Admin"
    )


def make_run(**extra) -> ImportRun:
    fields = {
        "source": "/srv/imports/2026-12-01",
        "status": ImportRun.Status.FINISHED,
        "tables": {
            "ssd_person": {"read": 10, "imported": 7, "updated": 1, "unchanged": 1, "rejected": 1},
            "ssd_cin_episodes": {
                "read": 6,
                "imported": 4,
                "updated": 0,
                "unchanged": 0,
                "rejected": 2,
            },
        },
        "families": {"read": 5, "imported": 3, "updated": 1, "unchanged": 0, "rejected": 1},
    }
    fields.update(extra)
    return ImportRun.objects.create(**fields)


def add_problem(run: ImportRun, **extra) -> ImportProblem:
    fields = {
        "table": "ssd_cin_episodes",
        "key": "CINE-77",
        "line": 12,
        "field": "cine_referral_date",
        "reason": "cine_referral_date is after cine_close_date",
        "family_key": "FAM-9",
    }
    fields.update(extra)
    return ImportProblem.objects.create(run=run, **fields)


def text(html: str) -> str:
    """The page's text as a reader hears it: tags dropped, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
