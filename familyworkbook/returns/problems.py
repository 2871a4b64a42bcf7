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
        return reverse("cases:person", args=[self.person_id]) if self.person_id else ""

    def __str__(self) -> str:
        who = self.child_ref or (f"person {self.person_id}" if self.person_id else "return")
        return f"{self.return_name} rule {self.rule}: {who}: {self.field}: {self.message}"


class ExportRefusedError(Exception):
    """The record would give an invalid return: nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) would make the return invalid")
        self.problems = problems


def child_ref(person) -> str:  # type: ignore[no-untyped-def]
    return person.la_child_id or f"person {person.pk}"
