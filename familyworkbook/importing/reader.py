"""Reading a Standard Safeguarding Dataset extract: CSV files in a folder, or an SSD database.

`open_extract(source)` opens a folder of CSV files, one per SSD table (`ssd_person.csv`, ...),
named and headed as in the SSD (`spec.TABLES`); `open_extract(url, database=True)` opens an SSD
held in PostgreSQL (`postgresql://...`) or SQL Server (`mssql://...`, `sqlserver://...`). It
never raises for a bad extract: what is wrong is in `extract.problems`, and `extract.fatal` says
whether the extract can be imported at all.

Opening checks what can be checked cheaply: the file names, every file's header (or every
table's columns) and that `ssd_person` is there. `extract.rows(table)` then streams that table's
rows, one `Row` at a time, never holding a whole file in memory; rows it cannot use (more cells
than the header, no key, a key seen before) are skipped and their problems appended as they are
met. A file that turns out not to be UTF-8 part of the way through is fatal: the problem is
appended, `fatal` set and that table stops. So:

    extract = open_extract(folder)
    extract.check()          # one full pass over every table, before anything is written
    if extract.fatal: ...    # report extract.problems and stop
    for row in extract.rows("ssd_person"): ...

`check()` streams every table once and fills `problems` and `fatal` (encoding, row widths,
missing keys, duplicate keys). Reading a table again does not repeat its problems; past
`max_problems` (1,000) in one table they are counted (`skipped(table)`) and summed up in one
closing problem. A row's `line` is its line in the file (the header is line 1) or, in a
database, its number in key order, so a duplicate's "also on line 2" points at the row kept.

Values are text as the source wrote them, whitespace stripped, with "", "NULL" and "null" read
as None; `parse_date` and `parse_flag` turn them into dates and booleans. Nothing here
interprets formulas: `=cmd|...` is read as the text it is; `safe_cell` neutralises such a value
when it is written back into a CSV file or a report.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import difflib
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from familyworkbook.importing.spec import PERSON, TABLES

# SSD tables that are no part of an extract (the model's own bookkeeping and a placeholder).
NOT_IMPORTED = ("ssd_api_data_staging", "ssd_version_log", "ssd_s251_finance")

# Rows fetched from a database at a time.
CHUNK_ROWS = 2000

# Row problems kept per table; past this they are counted in one closing problem.
MAX_PROBLEMS_PER_TABLE = 1000

# A JSON column can be long; csv's default limit (128 KiB a cell) is raised to this.
_FIELD_SIZE_LIMIT = 16 * 1024 * 1024

_NULLS = frozenset({"NULL", "null"})

# --- values ----------------------------------------------------------------------------------

DATE_FORMATS = (
    "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, YYYYMMDD or DD-Mon-YYYY (such as 05-Mar-2024), "
    "optionally followed by a time"
)

# After a date: " HH:MM", " HH:MM:SS", " HH:MM:SS.fff..." or "T..." and an optional UTC offset.
_TIME = re.compile(
    r"[ T](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?",
    re.ASCII,
)
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})", re.ASCII)
_DAY_MON_YEAR = re.compile(r"([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})", re.ASCII)
_COMPACT = re.compile(r"[0-9]{8}", re.ASCII)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def _not_a_date(value: str) -> ValueError:
    return ValueError(f"{value} is not a date in a format the SSD allows ({DATE_FORMATS})")


def _not_a_real_date(value: str, *, day_first: bool = False) -> ValueError:
    how = (
        " (a date written with / or - is read day first, DD/MM/YYYY, never month first)"
        if day_first
        else ""
    )
    return ValueError(
        f"{value} is not a real date: check the day and the month{how}. "
        f"The SSD allows {DATE_FORMATS}"
    )


def parse_date(value: str) -> datetime.date:
    """The date in an SSD value; any time after it is checked and dropped.

    Accepts YYYY-MM-DD (with " HH:MM[:SS[.ffffff]]" or "THH:MM:SS" after it), DD/MM/YYYY (with
    an optional time), DD-MM-YYYY, YYYYMMDD and DD-Mon-YYYY. Day-first forms are never read as
    US month-first: 03/25/2024 is refused, not turned into 25 March. Raises ValueError naming
    the formats allowed.
    """
    text = value.strip()
    if not text:
        raise ValueError(f"The value is blank, not a date. The SSD allows {DATE_FORMATS}")
    # The fast path: most SSD dates are ISO, from SQL.
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            day = datetime.date.fromisoformat(text[:10])
        except ValueError:
            digits = (text[:4] + text[5:7] + text[8:10]).isdigit()
            raise _not_a_real_date(text) if digits else _not_a_date(text) from None
        if len(text) == 10 or _TIME.fullmatch(text, 10):
            return day
        raise _not_a_date(text)
    # The next fastest: DD/MM/YYYY, as a spreadsheet writes it.
    if len(text) == 10 and text[2] == "/" and text[5] == "/":
        day_s, month_s, year_s = text[:2], text[3:5], text[6:]
        if (day_s + month_s + year_s).isdigit():
            try:
                return datetime.date(int(year_s), int(month_s), int(day_s))
            except ValueError:
                raise _not_a_real_date(text, day_first=True) from None
    match = _DAY_FIRST.match(text) or _DAY_MON_YEAR.match(text)
    if match:
        if match.re is _DAY_FIRST:
            day_s, month_s, year_s = match.group(1), match.group(3), match.group(4)
            month = int(month_s)
        else:
            day_s, year_s = match.group(1), match.group(3)
            found = _MONTHS.get(match.group(2).lower())
            if found is None:
                raise _not_a_date(text)
            month = found
        if match.end() != len(text) and not _TIME.fullmatch(text, match.end()):
            raise _not_a_date(text)
        try:
            return datetime.date(int(year_s), month, int(day_s))
        except ValueError:
            raise _not_a_real_date(text, day_first=True) from None
    if _COMPACT.fullmatch(text):
        try:
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise _not_a_real_date(text) from None
    raise _not_a_date(text)


_FLAGS = {
    "y": True,
    "yes": True,
    "true": True,
    "1": True,
    "n": False,
    "no": False,
    "false": False,
    "0": False,
}


def parse_flag(value: str) -> bool:
    """Y/N, Yes/No, True/False or 1/0, in any case. Raises ValueError otherwise."""
    try:
        return _FLAGS[value.strip().lower()]
    except KeyError:
        raise ValueError(
            f"{value} is not a yes or no answer the SSD allows (Y, N, Yes, No, True, False, 1 or 0)"
        ) from None


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The value to write into a CSV file or spreadsheet report: one a spreadsheet would run as
    a formula (starting = + - @, a tab or a carriage return) gets a leading apostrophe."""
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


# --- rows and problems -----------------------------------------------------------------------


@dataclass
class Row:
    table: str
    line: int  # line number in the CSV file (the header is line 1); row number for a database
    # Every column of the table's spec -> text, whitespace stripped; "", NULL and a column the
    # source does not have -> None. `Extract.columns(table)` says which columns the source has.
    values: dict[str, str | None]

    @functools.cached_property
    def key(self) -> str:
        return TABLES[self.table].key_of(self.values)


@dataclass
class Problem:
    table: str  # e.g. "ssd_person"; the file name for a file that is no SSD table; "" for
    # the extract as a whole (no such folder, cannot connect)
    reason: str  # plain English; names the file, column, line and value
    line: int | None = None
    key: str = ""
    field: str = ""


@dataclass
class _Table:
    """One SSD table as the source has it."""

    name: str
    label: str  # "ssd_person.csv", or "the table ssd_person"
    unit: str  # "line" or "row"
    header: tuple[str | None, ...]  # each cell of the header: its SSD column, or None if blank
    path: Path | None = None  # a CSV file
    relation: str = ""  # a database table, quoted for SQL
    names: tuple[str, ...] = ()  # a database table's columns, as the database spells them

    @property
    def unit_of(self) -> str:
        return "file" if self.path is not None else "table"

    @property
    def opening(self) -> str:
        """The label at the start of a sentence."""
        return self.label[0].upper() + self.label[1:] if self.path is None else self.label

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(column for column in self.header if column is not None)


class Extract:
    """An opened extract. See the module's docstring for how to read one."""

    def __init__(self, source: str, *, max_problems: int = MAX_PROBLEMS_PER_TABLE) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.fatal = False
        self.max_problems = max_problems
        self._tables: dict[str, _Table] = {}
        self._reported_to: dict[str, int] = {}  # table -> last line whose problems are in
        self._counted: dict[str, int] = {}  # table -> row problems met
        self._finished: set[str] = set()  # tables read to the end at least once

    # The public interface.

    def tables(self) -> list[str]:
        """The SSD tables the extract has, in `TABLES` order."""
        return [name for name in TABLES if name in self._tables]

    def columns(self, table: str) -> tuple[str, ...]:
        """The table's SSD columns that the source has, in the source's order."""
        found = self._tables.get(table)
        return found.columns if found else ()

    def label(self, table: str) -> str:
        found = self._tables.get(table)
        return found.label if found else table

    def skipped(self, table: str) -> int:
        """How many of the table's rows were skipped so far, listed in `problems` or not (past
        `max_problems` a table's problems are only counted, in one closing problem)."""
        return self._counted.get(table, 0)

    def rows(self, table: str) -> Iterator[Row]:
        """The table's usable rows, streamed; nothing for a table the extract does not have."""
        found = self._tables.get(table)
        if found is None:
            return
        records = self._records(found)
        try:
            yield from self._clean(found, records)
        finally:
            records.close()  # a database connection closes as soon as the reading stops

    def check(self) -> None:
        """Read every table once, to the end, so that `problems` and `fatal` are complete
        before anything is imported. Returns nothing."""
        for table in self.tables():
            for _row in self.rows(table):
                pass

    # What each kind of source provides.

    def _records(self, table: _Table) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for each record; appends a fatal problem and stops on a bad one."""
        raise NotImplementedError  # pragma: no cover - each kind of source has its own

    # Shared by both kinds.

    def _fail(self, problem: Problem) -> None:
        self.fatal = True
        self._add(problem)

    def _add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def _row_problem(
        self, table: _Table, line: int, reason: str, *, key: str = "", field: str = ""
    ) -> None:
        """A row that is skipped: its problem is kept once, however often the table is read,
        and only the first `max_problems` of a table one by one."""
        if line <= self._reported_to.get(table.name, 0):
            return
        self._reported_to[table.name] = line
        self._counted[table.name] = self._counted.get(table.name, 0) + 1
        if self._counted[table.name] <= self.max_problems:
            self._add(Problem(table.name, reason, line=line, key=key, field=field))

    def _stopped(self, table: _Table, problem: Problem) -> None:
        """Reading the table stopped at problem.line: the extract cannot be imported."""
        self.fatal = True
        line = problem.line or 0
        if line <= self._reported_to.get(table.name, 0):
            return  # already reported by an earlier reading
        self._reported_to[table.name] = line
        self._add(problem)

    def _clean(self, table: _Table, records: Iterable[tuple[int, list[str]]]) -> Iterator[Row]:
        spec = TABLES[table.name]
        width = len(table.header)
        named = [(i, column) for i, column in enumerate(table.header) if column is not None]
        unnamed = [i for i, column in enumerate(table.header) if column is None]
        blank: dict[str, str | None] = dict.fromkeys(spec.columns)
        single = spec.key[0] if len(spec.key) == 1 else None
        seen: dict[object, int] = {}  # key -> the line it was first on
        unit = table.unit
        for line, cells in records:
            if len(cells) > width:
                self._row_problem(
                    table,
                    line,
                    f"{table.opening} has {len(cells)} cells on {unit} {line} but its header has "
                    f"{width} columns, so the {unit} is not imported: check that every comma "
                    f"inside a value is in double quotes",
                )
                continue
            stripped = [cell.strip() for cell in cells]
            if not any(stripped):
                continue  # a blank line
            if unnamed and any(stripped[i] for i in unnamed if i < len(stripped)):
                self._row_problem(
                    table,
                    line,
                    f"{table.opening} has a value on {unit} {line} in a column with no name in "
                    f"its header, so the {unit} is not imported: name the column or remove it",
                )
                continue
            values = blank.copy()
            for i, column in named:
                if i < len(stripped):
                    value = stripped[i]
                    values[column] = value if value and value not in _NULLS else None
            missing = next((column for column in spec.key if values[column] is None), None)
            if missing is not None:
                self._row_problem(
                    table,
                    line,
                    f"{table.opening} has no {missing} on {unit} {line}, so the {unit} is not "
                    f"imported: every row needs its key",
                    field=missing,
                )
                continue
            seen_key: object = (
                values[single] if single else tuple(values[column] for column in spec.key)
            )
            first = seen.setdefault(seen_key, line)
            if first != line:
                key = spec.key_of(values)
                self._row_problem(
                    table,
                    line,
                    f"Duplicate key {key} in {table.label}: also on {unit} {first}",
                    key=key,
                    field="/".join(spec.key),
                )
                continue
            yield Row(table.name, line, values)
        self._finish(table)

    def _finish(self, table: _Table) -> None:
        if table.name in self._finished:
            return
        self._finished.add(table.name)
        over = self._counted.get(table.name, 0) - self.max_problems
        if over > 0:
            self._add(
                Problem(
                    table.name,
                    f"{table.opening} has {over:,} more problems like these, not listed one by one",
                )
            )

    def _check_header(self, table: _Table, raw: list[str]) -> tuple[str | None, ...] | None:
        """The header's cells as SSD columns, or None after appending what makes it fatal."""
        spec = TABLES[table.name]
        known = {column.lower(): column for column in spec.columns}
        header: list[str | None] = []
        ok = True
        for cell in raw:
            name = cell.strip().lower()
            if not name:
                header.append(None)
                continue
            column = known.get(name)
            if column is None:
                ok = False
                self._fail(
                    Problem(
                        table.name,
                        f"{table.opening} has a column that is not in the SSD: {cell.strip()}."
                        + (
                            _did_you_mean(name, spec.columns)
                            or f" Give it its SSD name or take it out of the {table.unit_of}."
                        )
                        + _separator_hint(raw),
                        field=cell.strip(),
                    )
                )
            elif column in header:
                ok = False
                self._fail(
                    Problem(
                        table.name,
                        f"{table.opening} has the column {column} twice: remove one of them",
                        field=column,
                    )
                )
            header.append(column)
        for column in spec.key:
            if column not in header:
                ok = False
                self._fail(
                    Problem(
                        table.name,
                        f"{table.opening} has no {column} column: every row needs its key",
                        field=column,
                    )
                )
        return tuple(header) if ok else None


def _did_you_mean(word: str, choices: Iterable[str], suffix: str = "") -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" Did you mean {close[0]}{suffix}?" if close else ""


def _separator_hint(raw: list[str]) -> str:
    if len(raw) == 1 and (";" in raw[0] or "\t" in raw[0] or "|" in raw[0]):
        return " The file seems to separate its columns with something other than commas: save it as CSV with commas."
    return ""


# --- a folder of CSV files -------------------------------------------------------------------


class _CsvExtract(Extract):
    def _open(self, folder: Path) -> None:
        if not folder.is_dir():
            self._fail(Problem("", f"There is no folder at {self.source}: check the path"))
            return
        found: dict[str, Path] = {}
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path.suffix.lower() != ".csv" or path.name.startswith(".") or not path.is_file():
                continue  # not CSV, or hidden (macOS leaves "._ssd_person.csv" in zip files)
            name = path.stem.lower()
            if name in NOT_IMPORTED:
                self._add(
                    Problem(
                        path.name,
                        f"{path.name} is not read: the import does not use the {name} table",
                    )
                )
                continue
            if name not in TABLES:
                self._fail(
                    Problem(
                        path.name,
                        f"{path.name} is not an SSD table."
                        + (
                            _did_you_mean(name, TABLES, ".csv")
                            or " Name each file after its SSD table, such as ssd_person.csv,"
                            " or take it out of the folder."
                        ),
                    )
                )
                continue
            if name in found:
                self._fail(
                    Problem(
                        name,
                        f"{found[name].name} and {path.name} are both the {name} table: "
                        f"take one of them out of the folder",
                    )
                )
                continue
            found[name] = path
        if PERSON not in found:
            self._fail(
                Problem(
                    PERSON,
                    f"The extract has no {TABLES[PERSON].filename}: every import needs the people",
                )
            )
        for name in TABLES:
            if name in found:
                self._open_table(name, found[name])

    def _open_table(self, name: str, path: Path) -> None:
        table = _Table(name, path.name, "line", (), path=path)
        try:
            with path.open("rb") as binary:
                reader = csv.reader(_text(binary), strict=False)
                raw = next(reader, None)
        except OSError as error:
            self._fail(Problem(name, f"{path.name} cannot be opened: {error.strerror}"))
            return
        except UnicodeDecodeError:
            self._fail(_not_utf8(table, _bad_line(path)))
            return
        except csv.Error as error:
            self._fail(_not_csv(table, 1, error))
            return
        if raw is None:
            self._fail(
                Problem(name, f"{path.name} is empty: it needs a header row naming its columns")
            )
            return
        header = self._check_header(table, raw)
        if header is not None:
            table.header = header
            self._tables[name] = table

    def _records(self, table: _Table) -> Iterator[tuple[int, list[str]]]:
        assert table.path is not None
        try:
            with table.path.open("rb") as binary:
                reader = csv.reader(_text(binary), strict=False)
                read_to = 0
                try:
                    next(reader, None)  # the header
                    read_to = reader.line_num
                    for cells in reader:
                        yield read_to + 1, cells
                        read_to = reader.line_num
                except UnicodeDecodeError:
                    self._stopped(table, _not_utf8(table, _bad_line(table.path)))
                except csv.Error as error:
                    self._stopped(table, _not_csv(table, read_to + 1, error))
        except OSError as error:
            self._stopped(
                table,
                Problem(table.name, f"{table.label} cannot be read: {error.strerror}", line=1),
            )


def _text(binary: io.BufferedReader) -> io.TextIOWrapper:
    """The file as text, decoded as it is read; the BOM, if any, dropped."""
    if csv.field_size_limit() < _FIELD_SIZE_LIMIT:
        csv.field_size_limit(_FIELD_SIZE_LIMIT)
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")


def _bad_line(path: Path) -> int:
    """The first line of the file that is not UTF-8 (counting lines as they end in \\n)."""
    number = 0
    with path.open("rb") as binary:
        for number, raw in enumerate(binary, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return max(number, 1)


def _not_utf8(table: _Table, line: int) -> Problem:
    return Problem(
        table.name,
        f"{table.label} is not UTF-8 (line {line}): save it as UTF-8 and try again",
        line=line,
    )


def _not_csv(table: _Table, line: int, error: csv.Error) -> Problem:
    return Problem(
        table.name,
        f"{table.label} cannot be read as CSV (line {line}: {error}): check its double quotes "
        f"and save it again as CSV",
        line=line,
    )


# --- a database ------------------------------------------------------------------------------

SQLSERVER_EXTRA = (
    "Reading from SQL Server needs the sqlserver extra: pip install 'familyworkbook[sqlserver]'"
)


class _DriverMissingError(Exception):
    pass


@dataclass
class _Dialect:
    """What differs between PostgreSQL and SQL Server; everything else is DB-API."""

    name: str
    connect: Callable[[], Any]
    errors: tuple[type[Exception], ...]  # the driver's DB-API Error, and any others it raises
    quote: Callable[[str], str]
    columns_sql: str  # (schema, table, column) rows, the preferred schema first
    params: dict[str, str] = field(default_factory=dict)
    named_cursor: bool = False  # PostgreSQL: a server-side cursor


def _quote_pg(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_mssql(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def redact_url(url: str) -> str:
    """The database address without its password (in the address or its query)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    if parts.username is not None:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in ("password", "pwd")]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _split_schema(url: str) -> tuple[str, str | None]:
    """The address without its `schema` parameter, and that parameter."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in pairs if k.lower() == "schema"), None)
    query = urlencode([(k, v) for k, v in pairs if k.lower() != "schema"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment)), schema


def _odbc_value(value: str) -> str:
    if any(c in value for c in ";{}= ") or value != value.strip():
        return "{" + value.replace("}", "}}") + "}"
    return value


def sqlserver_connection_string(url: str) -> str:
    """An ODBC connection string for a `mssql://user:password@host:port/database?...` address.

    Query parameters other than `schema` are passed on as connection attributes, for example
    `?TrustServerCertificate=yes` or `?Authentication=ActiveDirectoryIntegrated`.
    """
    address, _schema = _split_schema(url)
    parts = urlsplit(address)
    server = parts.hostname or "localhost"
    if parts.port:
        server = f"{server},{parts.port}"
    attrs = {"Server": server}
    database = unquote(parts.path.lstrip("/"))
    if database:
        attrs["Database"] = database
    if parts.username:
        attrs["UID"] = unquote(parts.username)
    if parts.password:
        attrs["PWD"] = unquote(parts.password)
    for key, value in parse_qsl(parts.query):
        attrs[key] = value
    return ";".join(f"{key}={_odbc_value(value)}" for key, value in attrs.items())


# (schema, table, column) for every column, the preferred schema's tables first.
_PG_COLUMNS_IN_SCHEMA = """
    SELECT table_schema, table_name, column_name FROM information_schema.columns
    WHERE table_schema = %(schema)s ORDER BY table_name, ordinal_position
"""
# With no schema named, the search path's: the first schema on it that has the table wins.
_PG_COLUMNS_ON_PATH = """
    SELECT table_schema, table_name, column_name FROM information_schema.columns
    WHERE table_schema::name = ANY (current_schemas(false))
    ORDER BY array_position(current_schemas(false), table_schema::name), table_name,
        ordinal_position
"""
_MSSQL_COLUMNS_IN_SCHEMA = """
    SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS
    WHERE TABLE_SCHEMA = %(schema)s ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
_MSSQL_COLUMNS_DEFAULT = """
    SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS
    WHERE TABLE_SCHEMA = SCHEMA_NAME() ORDER BY TABLE_NAME, ORDINAL_POSITION
"""


def _postgresql(url: str, schema: str | None) -> _Dialect:
    import psycopg

    query = urlsplit(url).query
    conninfo = (
        url if "connect_timeout" in query else url + ("&" if query else "?") + "connect_timeout=10"
    )
    return _Dialect(
        name="PostgreSQL",
        connect=lambda: psycopg.connect(conninfo),
        errors=(psycopg.Error,),
        quote=_quote_pg,
        columns_sql=_PG_COLUMNS_ON_PATH if schema is None else _PG_COLUMNS_IN_SCHEMA,
        params={} if schema is None else {"schema": schema},
        named_cursor=True,
    )


def _sqlserver(url: str, schema: str | None) -> _Dialect:
    # An optional dependency (the sqlserver extra), imported only when it is needed.
    try:
        import mssql_python  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise _DriverMissingError from None
    connection_string = sqlserver_connection_string(url)
    return _Dialect(
        name="SQL Server",
        connect=lambda: mssql_python.connect(connection_string),
        # A connection string it cannot parse raises an error outside DB-API's.
        errors=(mssql_python.Error, mssql_python.ConnectionStringParseError),
        quote=_quote_mssql,
        columns_sql=_MSSQL_COLUMNS_DEFAULT if schema is None else _MSSQL_COLUMNS_IN_SCHEMA,
        params={} if schema is None else {"schema": schema},
    )


_DIALECTS = {
    "postgres": _postgresql,
    "postgresql": _postgresql,
    "mssql": _sqlserver,
    "sqlserver": _sqlserver,
}


def _db_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _said(error: Exception) -> str:
    """What the driver said, on one line (its message can run over several)."""
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    text = text or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


class _DatabaseExtract(Extract):
    dialect: _Dialect
    _password: str | None = None

    def _said(self, error: Exception) -> str:
        """What the driver said, never with the password in it."""
        text = _said(error)
        if self._password:
            for secret in {self._password, unquote(self._password)}:
                text = text.replace(secret, "********")
        return text

    def _open(self, url: str) -> None:
        self._password = urlsplit(url).password
        scheme = urlsplit(url).scheme.lower()
        address, schema = _split_schema(url)
        make = _DIALECTS.get(scheme)
        if make is None:
            self._fail(
                Problem(
                    "",
                    f"{self.source} is not a database address the import can read: use "
                    f"postgresql://user@host:port/database or mssql://user@host:port/database",
                )
            )
            return
        try:
            self.dialect = make(address, schema)
        except _DriverMissingError:
            self._fail(Problem("", SQLSERVER_EXTRA))
            return
        where = f"the schema {schema}" if schema is not None else "the database"
        try:
            connection = self.dialect.connect()
            try:
                cursor = connection.cursor()
                if self.dialect.params:
                    cursor.execute(self.dialect.columns_sql, self.dialect.params)
                else:
                    cursor.execute(self.dialect.columns_sql)
                listed = cursor.fetchall()
            finally:
                connection.close()
        except self.dialect.errors as error:
            self._fail(
                Problem(
                    "",
                    f"Cannot read the {self.dialect.name} database at {self.source}: "
                    f"{self._said(error)}. Check the address, and that the database is running "
                    f"and lets this user in",
                )
            )
            return
        columns: dict[str, tuple[str, str, list[str]]] = {}  # ssd table -> schema, table, cols
        for table_schema, table_name, column_name in listed:
            name = table_name.lower()
            held = columns.setdefault(name, (table_schema, table_name, []))
            if held[0] == table_schema and held[1] == table_name:
                held[2].append(column_name)
        for name, (_schema, table_name, _found) in columns.items():
            if name in TABLES or name in NOT_IMPORTED or not name.startswith("ssd_"):
                continue
            self._add(
                Problem(
                    table_name,
                    f"The table {table_name} in {where} is not an SSD table, so it is not read."
                    + _did_you_mean(name, TABLES),
                )
            )
        if PERSON not in columns:
            self._fail(
                Problem(
                    PERSON,
                    f"{where[0].upper()}{where[1:]} has no {PERSON} table: every import needs "
                    f"the people",
                )
            )
        for name in TABLES:
            if name not in columns:
                continue
            table_schema, table_name, found = columns[name]
            table = _Table(
                name,
                f"the table {table_name}",
                "row",
                (),
                relation=f"{self.dialect.quote(table_schema)}.{self.dialect.quote(table_name)}",
                names=tuple(found),
            )
            header = self._check_header(table, found)
            if header is not None:
                table.header = header
                self._tables[name] = table

    def _records(self, table: _Table) -> Iterator[tuple[int, list[str]]]:
        quote = self.dialect.quote
        selected = [
            quote(name) for name, column in zip(table.names, table.header, strict=True) if column
        ]
        # In key order, so that a row's number is the same however often the table is read.
        order = [
            quote(table.names[table.header.index(column)]) for column in TABLES[table.name].key
        ]
        sql = f"SELECT {', '.join(selected)} FROM {table.relation} ORDER BY {', '.join(order)}"  # noqa: S608 - names from the catalogue, quoted
        number = 0
        try:
            connection = self.dialect.connect()
            try:
                if self.dialect.named_cursor:
                    # A server-side cursor: the rows come CHUNK_ROWS at a time, not all at once.
                    cursor = connection.cursor(name=f"fwb_ssd_{table.name}")
                else:
                    cursor = connection.cursor()  # ODBC fetches as asked
                cursor.execute(sql)
                while chunk := cursor.fetchmany(CHUNK_ROWS):
                    for record in chunk:
                        number += 1
                        yield number, [_db_text(value) for value in record]
                cursor.close()
            finally:
                connection.close()  # nothing was written: closing rolls the transaction back
        except self.dialect.errors as error:
            self._stopped(
                table,
                Problem(
                    table.name,
                    f"Reading {table.label} stopped at row {number + 1}: {self._said(error)}. "
                    f"Check the database and try again",
                    line=number + 1,
                ),
            )


# --- opening ---------------------------------------------------------------------------------


def open_extract(
    source: str, *, database: bool = False, max_problems: int = MAX_PROBLEMS_PER_TABLE
) -> Extract:
    """Open a folder of SSD CSV files, or (with database=True) an SSD database by its URL.

    Never raises for a bad extract: see `problems` and `fatal`. Row problems past
    `max_problems` in one table are counted in one closing problem, not listed.
    """
    if database:
        in_database = _DatabaseExtract(redact_url(source), max_problems=max_problems)
        in_database._open(source)
        return in_database
    in_folder = _CsvExtract(source, max_problems=max_problems)
    in_folder._open(Path(source))
    return in_folder
