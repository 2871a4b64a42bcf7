"""The SSD tables as objects: columns, key, dates, and how each row reaches its person.

`TABLES["ssd_cin_episodes"].person` is the column that names the row's person
(`cine_person_id`); a table without one reaches its person through a parent
(`ssd_assessment_factors` through `cinf_assessment_id` to `ssd_cin_assessments`). The import
groups every row under its person's family this way; the export writes these columns in this
order.
"""

from __future__ import annotations

from dataclasses import dataclass

from familyworkbook.importing.ssd_tables import TABLES as _RAW


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    dates: frozenset[str]
    links: dict[str, str]  # column -> "ssd_table.column"

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def person(self) -> str | None:
        """The column holding the person's id, if the row names its person directly."""
        for column in self.columns:
            if column.endswith("_person_id") and not column.startswith("moth_childs"):
                return column
        return None

    @property
    def parent(self) -> tuple[str, str, str] | None:
        """(column, parent table, parent column) for a row that reaches its person through a
        parent row, e.g. an assessment's factors through the assessment."""
        if self.person is not None:
            return None
        for column, target in self.links.items():
            table, _, target_column = target.partition(".")
            if table in _RAW and table != self.name:
                return column, table, target_column
        return None

    def key_of(self, values: dict[str, str | None]) -> str:
        """The row's key as one string: its key columns' values joined by '/'."""
        return "/".join(values.get(column) or "" for column in self.key)


# Links the specification leaves out, or names by a table that is not in it.
_EXTRA_LINKS: dict[str, dict[str, str]] = {
    "ssd_cla_reviews": {"clar_cla_id": "ssd_cla_episodes.clae_cla_id"},
    "ssd_cla_placement": {"clap_cla_id": "ssd_cla_episodes.clae_cla_id"},
    "ssd_ehcp_named_plan": {"ehcn_ehcp_asmt_id": "ssd_ehcp_assessment.ehca_ehcp_assessment_id"},
}

TABLES: dict[str, Table] = {
    name: Table(
        name=name,
        columns=columns,
        key=key,
        dates=frozenset(dates),
        links={**links, **_EXTRA_LINKS.get(name, {})},
    )
    for name, (columns, key, dates, links) in _RAW.items()
}

# People first, then the tables the rest point at.
PERSON = "ssd_person"
REQUIRED = (PERSON,)
