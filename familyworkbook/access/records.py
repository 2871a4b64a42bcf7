"""`get_<thing>_for(user, id)`: the one way a view reaches a record, for every app.

Each goes through the record's `visible_to(user)` QuerySet (so through `access.policy`),
raises Http404 for not allowed and not found alike, audits the refusal of a record that
exists, and audits every read of a person's or family's record. The people and cases
apps sit to the left of `access`, so they call the same primitive (`core.scoping.get_for`)
through `cases.selectors`; apps to the right of `access` import these.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from familyworkbook.cases import selectors
from familyworkbook.cases.models import Allocation, Case
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import User


def get_person_for(user: User, person_id: Any, *, request: HttpRequest | None = None) -> Person:
    return selectors.get_person_for(user, person_id, request=request)


def get_family_for(user: User, family_id: Any, *, request: HttpRequest | None = None) -> Family:
    return selectors.get_family_for(user, family_id, request=request)


def get_case_for(user: User, case_id: Any, to_change: bool = False) -> Case:
    """A case; `to_change` is accepted so write views say what they intend (same scope today)."""
    return selectors.get_case_for(user, case_id)


def get_allocation_for(user: User, allocation_id: Any) -> Allocation:
    return selectors.get_allocation_for(user, allocation_id)


def get_child_record_for(user: User, model: type[Any], record_id: Any) -> Any:
    return selectors.get_child_record_for(user, model, record_id)
