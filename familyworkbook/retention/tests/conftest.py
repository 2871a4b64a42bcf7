from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from familyworkbook.cases.models import Case
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role


def ig_officer(username: str):
    worker = builders.worker(username, role=Role.PERFORMANCE)
    worker.user.groups.add(Group.objects.get(name="Information governance"))
    return worker


@pytest.fixture
def ines(db):
    return ig_officer("ines")


@pytest.fixture
def olu(db):
    return ig_officer("olu")


def close_cases(family, on: dt.date) -> None:
    Case.objects.filter(family=family).update(closed_on=on, closure_reason="RC8")


@pytest.fixture
def old_family(north, sam):
    """A family Sam's team worked with in 2005: children born in 1990 and 1991, case closed 2006.

    Child in need: the younger child's 18th birthday (16 May 2009) + 3 years = 16 May 2012,
    later than any family record's 2006 + 6 years: its retention ended on 16 May 2012.
    """
    family = builders.family("Archer", children=2, born=dt.date(1990, 1, 1))
    builders.case(family, north, lead=sam, opened_on=dt.date(2005, 1, 1))
    close_cases(family, dt.date(2006, 2, 1))
    return family
