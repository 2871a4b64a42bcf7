"""What stops a return from being valid, said so that a worker can fix it.

Every exporter and the data-quality view speak in `Problem`s: which child, which field, which
DfE rule, in plain English, and the page where it is fixed. An export with problems is
refused (or, when forced, written with the problems printed): never a crash, never a
silently invalid file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Problem:
    return_name: str  # "CIN census", "SSDA903", "DfE CSC API"
    rule: str  # the DfE rule code the record would break, e.g. "8610" or "191"
    field: str  # the field, as the record names it
    message: str  # plain English: what is wrong and what to record
    person_id: int | None = None
    child_ref: str = ""  # LA child ID, or a stand-in when that is what is missing

    @property
    def fix_url(self) -> str:
        return fix_url(self.rule, self.field, self.person_id)

    def __str__(self) -> str:
        who = self.child_ref or (f"person {self.person_id}" if self.person_id else "return")
        return f"{self.return_name} rule {self.rule}: {who}: {self.field}: {self.message}"


# The page where a problem with this rule, or else this field, is fixed: a form that adds the missing fact, or the
# child's list of looked-after facts at the right section (where each record has its change
# link). Anything else is fixed on the child's page.
FIXES: dict[str, tuple[str, str]] = {
    "630": ("cases:lac_prevperm_add", ""),  # no previous permanence for a period of care
    "outcomes (OC2)": ("cases:lac_oc2_add", ""),
    "SDQ score": ("cases:lac_facts", "#oc2"),
    "reason there is no SDQ score": ("cases:lac_facts", "#oc2"),
    "previous permanence": ("cases:lac_facts", "#prevperm"),
    "adoption decision": ("cases:lac_adoption_add", ""),
    "adoption match": ("cases:lac_facts", "#adoption"),
    "reason the social worker changed": ("cases:lac_facts", "#social-workers"),
}


def fix_url(rule: str, field: str, person_id: int | None) -> str:
    """Where a worker fixes a problem with `field` (breaking `rule`) in this child's record."""
    if not person_id:
        return ""
    name, anchor = FIXES.get(rule) or FIXES.get(field) or ("cases:person", "")
    return reverse(name, args=[person_id]) + anchor


class ExportRefusedError(Exception):
    """The record would give an invalid return: nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) would make the return invalid")
        self.problems = problems


def child_ref(person) -> str:  # type: ignore[no-untyped-def]
    return person.la_child_id or f"person {person.pk}"
