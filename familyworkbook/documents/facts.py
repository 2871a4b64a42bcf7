"""The contract between the document engine and the code that fills its sections.

A document type (schemas/*.yaml) lists sections. A section is either *written* by a named
professional (the draft shows it as a required gap, never as generated prose) or *filled* by a
filler: a function registered here under a dotted name, given a `FillContext` and returning a
`Filled`. Every fact a filler returns carries its `Source` -- which record, its date, its
author and its basis (observed, reported, a court finding, disputed...) -- so a court can
trace it and an allegation is never presented as fact.

Fillers read only through the access layer (`get_<thing>_for(ctx.user, ...)` and
`visible_to` QuerySets) and must leave out protected fields the reader may not see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


class Basis(models.TextChoices):
    """How we know a fact (DOCUMENTS.md §0, *Re A*)."""

    OBSERVED = "observed", "Observed by the author"
    REPORTED = "reported", "Reported to the author"
    DOCUMENT = "document", "From a third-party document"
    FINDING = "finding", "Court finding"
    DISPUTED = "disputed", "Disputed"
    RECORDED = "recorded", "Recorded statutory fact"


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: enough to find the record and judge its weight."""

    model: str  # "workbook.Entry", "cases.CpPlan", ...
    pk: int | str
    date: dt.date | None
    author: str  # the recording professional's name ("" for system-derived facts)
    basis: str = Basis.RECORDED
    label: str = ""  # short reference a reader can follow, e.g. "Workbook entry 1432"
    url: str = ""  # the page in Family Workbook that holds the record

    def reference(self) -> str:
        when = self.date.strftime("%-d %b %Y") if self.date else "undated"
        who = f", {self.author}" if self.author else ""
        return f"{self.label or f'{self.model} {self.pk}'} ({when}{who})"


@dataclass(frozen=True)
class Fact:
    """One statement taken from the record, with its source."""

    text: str
    source: Source
    about: str = ""  # the family member it concerns, if one


@dataclass
class Table:
    """Rows of cells; a cell is plain text or a Fact (rendered with its reference)."""

    columns: list[str]
    rows: list[list[str | Fact]] = field(default_factory=list)
    caption: str = ""


@dataclass
class Filled:
    """What a filler returns for one section."""

    facts: list[Fact] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    svgs: list[str] = field(default_factory=list)  # charts and diagrams, accessible SVG markup
    notes: list[str] = field(default_factory=list)  # e.g. "No measures recorded in the window"

    def sources(self) -> list[Source]:
        found = [f.source for f in self.facts]
        for table in self.tables:
            found += [cell.source for row in table.rows for cell in row if isinstance(cell, Fact)]
        return found


@dataclass(frozen=True)
class FillContext:
    """What a filler is told: who is generating, about whom, over which window."""

    user: Any  # the signed-in user generating the document (access decides what they see)
    family: Any  # people.Family (or the case's family)
    case: Any = None  # cases.Case, when the document is about one case
    child: Any = None  # people.Person, when the document is about one child
    subject: Any = None  # another record the document is about (a meeting, an intervention...)
    start: dt.date | None = None
    end: dt.date | None = None
    options: dict = field(default_factory=dict)


Filler = Callable[[FillContext], Filled]
FILLERS: dict[str, Filler] = {}


def filler(name: str) -> Callable[[Filler], Filler]:
    """Register a section filler under `name` (referenced by `filler:` in a schema)."""

    def register(function: Filler) -> Filler:
        if name in FILLERS and FILLERS[name] is not function:
            raise ValueError(f"Two fillers are registered as {name!r}")
        FILLERS[name] = function
        return function

    return register
