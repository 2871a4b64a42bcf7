"""Who the child is, as every return needs it: the rules on identifiers and characteristics."""

from __future__ import annotations

import re

from familyworkbook.people.models import Person, PersonKind, validate_upn
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import Problem, child_ref

LA_CHILD_ID = re.compile(r"[A-Za-z0-9]{1,20}")


def identity_problems(child: Person, return_name: str, year: CollectionYear) -> list[Problem]:
    problems: list[Problem] = []
    ref = child_ref(child)

    def add(rule: str, field: str, message: str) -> None:
        problems.append(Problem(return_name, rule, field, message, child.pk, ref))

    if not child.la_child_id:
        add("8500", "LA child ID", "Record the child's LA child ID.")
    elif not LA_CHILD_ID.fullmatch(child.la_child_id):
        add("1580", "LA child ID", "The LA child ID must be 1 to 20 letters and digits only.")
    if child.kind == PersonKind.UNBORN:
        if not child.expected_date_of_birth:
            add("8525", "expected date of birth", "Record the expected date of birth.")
    elif not child.date_of_birth:
        add("8525", "date of birth", "Record the child's date of birth.")
    if child.upn:
        try:
            validate_upn(child.upn)
        except Exception:  # noqa: BLE001 - any failure means the same to the return
            add("1510", "UPN", "The UPN is not valid: check it against the school's record.")
    elif not child.upn_unknown_reason and return_name == "SSDA903":
        # The CIN census only queries a missing UPN (8770Q); the SSDA903 rejects it.
        add("442", "UPN", "Record the child's UPN, or the reason it is not known.")
    if not child.disabilities:
        add("8540", "disabilities", "Record the child's disabilities, or 'No disability'.")
    elif "NONE" in child.disabilities and len(child.disabilities) > 1:
        add("8790", "disabilities", "'No disability' cannot be recorded with other disabilities.")
    return problems
