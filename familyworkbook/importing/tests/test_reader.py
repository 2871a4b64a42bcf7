"""The SSD extract reader: file names, headers, encoding, rows, values, size and databases."""

from __future__ import annotations

import datetime
import os
import sys
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from familyworkbook.importing import reader
from familyworkbook.importing.reader import (
    open_extract,
    parse_date,
    parse_flag,
    redact_url,
    safe_cell,
    sqlserver_connection_string,
)
from familyworkbook.importing.spec import TABLES

PERSON_HEADER = "pers_person_id,pers_forename,pers_surname,pers_dob"


def write(folder: Path, name: str, text: str, *, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def people(folder: Path, *lines: str) -> Path:
    return write(folder, "ssd_person.csv", "\n".join((PERSON_HEADER, *lines)) + "\n")


def reasons(extract: reader.Extract) -> list[str]:
    return [problem.reason for problem in extract.problems]


# --- file names ------------------------------------------------------------------------------


def test_a_misnamed_file_is_fatal_and_the_near_name_suggested(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02")
    write(tmp_path, "ssd_persons.csv", PERSON_HEADER + "\n")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert reasons(extract) == ["ssd_persons.csv is not an SSD table. Did you mean ssd_person.csv?"]
    assert extract.problems[0].table == "ssd_persons.csv"


def test_a_file_far_from_any_table_name_says_how_to_name_it(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02")
    write(tmp_path, "notes.csv", "a,b\n")
    write(tmp_path, "README.txt", "not a CSV file, so not looked at\n")
    write(tmp_path, "._ssd_person.csv", "\x00\x05hidden: macOS metadata\n")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert reasons(extract) == [
        "notes.csv is not an SSD table. Name each file after its SSD table, such as "
        "ssd_person.csv, or take it out of the folder."
    ]


def test_without_ssd_person_the_extract_is_fatal(tmp_path: Path) -> None:
    write(tmp_path, "ssd_contacts.csv", "cont_contact_id,cont_person_id\nC1,1\n")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert "The extract has no ssd_person.csv: every import needs the people" in reasons(extract)


def test_other_tables_are_optional_and_listed_in_spec_order(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02")
    write(tmp_path, "SSD_Contacts.CSV", "cont_contact_id,cont_person_id\nC1,1\n")
    write(tmp_path, "ssd_address.csv", "addr_table_id,addr_person_id\nA1,1\n")

    extract = open_extract(str(tmp_path))

    assert not extract.fatal, extract.problems
    assert extract.problems == []
    assert extract.tables() == ["ssd_address", "ssd_contacts", "ssd_person"]
    assert list(extract.rows("ssd_cin_episodes")) == []
    assert [row.key for row in extract.rows("ssd_contacts")] == ["C1"]


def test_the_same_table_twice_is_fatal(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02")
    write(tmp_path, "SSD_PERSON.csv", PERSON_HEADER + "\n")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert reasons(extract) == [
        "SSD_PERSON.csv and ssd_person.csv are both the ssd_person table: take one of them out "
        "of the folder"
    ]


def test_a_table_the_import_does_not_use_is_noted_not_fatal(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02")
    write(tmp_path, "ssd_version_log.csv", "version_number\n1.2\n")

    extract = open_extract(str(tmp_path))

    assert not extract.fatal
    assert reasons(extract) == [
        "ssd_version_log.csv is not read: the import does not use the ssd_version_log table"
    ]
    assert extract.tables() == ["ssd_person"]


def test_a_folder_that_is_not_there_is_fatal(tmp_path: Path) -> None:
    extract = open_extract(str(tmp_path / "missing"))

    assert extract.fatal
    assert reasons(extract) == [f"There is no folder at {tmp_path / 'missing'}: check the path"]


# --- headers ---------------------------------------------------------------------------------


def test_a_column_not_in_the_ssd_is_fatal_and_named(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02")
    write(
        tmp_path,
        "ssd_cin_episodes.csv",
        "cine_referral_id,cine_person_id,cine_referal_date\nR1,1,2024-01-01\n",
    )

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert reasons(extract) == [
        "ssd_cin_episodes.csv has a column that is not in the SSD: cine_referal_date. "
        "Did you mean cine_referral_date?"
    ]
    assert extract.problems[0].field == "cine_referal_date"
    assert "ssd_cin_episodes" not in extract.tables()


def test_a_file_separated_by_semicolons_is_told_to_use_commas(tmp_path: Path) -> None:
    write(tmp_path, "ssd_person.csv", "pers_person_id;pers_forename\n1;Ann\n")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert any("save it as CSV with commas" in reason for reason in reasons(extract))


def test_a_missing_key_column_is_fatal(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02")
    write(tmp_path, "ssd_contacts.csv", "cont_person_id,cont_contact_date\n1,2024-01-01\n")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert reasons(extract) == [
        "ssd_contacts.csv has no cont_contact_id column: every row needs its key"
    ]


def test_a_column_twice_is_fatal(tmp_path: Path) -> None:
    write(tmp_path, "ssd_person.csv", "pers_person_id,pers_dob,PERS_DOB\n1,2015-01-02,\n")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert reasons(extract) == ["ssd_person.csv has the column pers_dob twice: remove one of them"]


def test_headers_ignore_case_and_spaces_and_missing_columns_read_as_none(tmp_path: Path) -> None:
    write(tmp_path, "ssd_person.csv", " PERS_Person_ID , Pers_Forename\n1,Ann\n")

    extract = open_extract(str(tmp_path))

    assert not extract.fatal, extract.problems
    assert extract.columns("ssd_person") == ("pers_person_id", "pers_forename")
    (row,) = extract.rows("ssd_person")
    assert row.values["pers_person_id"] == "1"
    assert row.values["pers_forename"] == "Ann"
    assert row.values["pers_dob"] is None  # not in the file
    assert list(row.values) == list(TABLES["ssd_person"].columns)


def test_an_empty_file_is_fatal(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02")
    write(tmp_path, "ssd_contacts.csv", "")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert reasons(extract) == [
        "ssd_contacts.csv is empty: it needs a header row naming its columns"
    ]


# --- encoding --------------------------------------------------------------------------------


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    write(tmp_path, "ssd_person.csv", "\ufeff" + PERSON_HEADER + "\n1,Zoë,Lee,\n")

    extract = open_extract(str(tmp_path))

    assert not extract.fatal, extract.problems
    (row,) = extract.rows("ssd_person")
    assert row.key == "1"
    assert row.values["pers_forename"] == "Zoë"


def test_a_file_not_in_utf8_is_fatal_naming_the_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "ssd_person.csv",
        PERSON_HEADER + "\n1,Ann,Lee,\n2,Zoë,Lee,\n",
        encoding="cp1252",
    )

    extract = open_extract(str(tmp_path))  # a small file is decoded whole at open
    extract.check()

    assert extract.fatal
    assert reasons(extract) == [
        "ssd_person.csv is not UTF-8 (line 3): save it as UTF-8 and try again"
    ]
    assert extract.problems[0].line == 3

    list(extract.rows("ssd_person"))  # reading it again adds nothing
    assert len(extract.problems) == 1


def test_a_bad_byte_far_into_a_file_is_found_on_its_line(tmp_path: Path) -> None:
    lines = [f"{n},Name{n},Surname{n},2015-01-02" for n in range(1, 5001)]
    lines[4000] = "4001,Ren\xe9e,Lee,"  # line 4002 of the file, well past the first read
    write(tmp_path, "ssd_person.csv", "\n".join([PERSON_HEADER, *lines]) + "\n", encoding="latin-1")

    extract = open_extract(str(tmp_path))
    assert not extract.fatal  # the header is fine: the rest is checked as it is read
    rows = list(extract.rows("ssd_person"))

    assert extract.fatal
    assert reasons(extract) == [
        "ssd_person.csv is not UTF-8 (line 4002): save it as UTF-8 and try again"
    ]
    assert len(rows) < 4000 and rows[-1].key == str(len(rows))  # stopped there
    extract.check()
    assert len(extract.problems) == 1


def test_a_header_not_in_utf8_is_fatal_at_open(tmp_path: Path) -> None:
    write(tmp_path, "ssd_person.csv", "pers_person_id,pers_forename\xe9\n", encoding="latin-1")

    extract = open_extract(str(tmp_path))

    assert extract.fatal
    assert reasons(extract) == [
        "ssd_person.csv is not UTF-8 (line 1): save it as UTF-8 and try again"
    ]


# --- rows ------------------------------------------------------------------------------------


def test_a_row_with_more_cells_than_the_header_is_skipped_naming_its_line(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,2015-01-02", "2,Bob,Lee,2015-01-02,extra", "3,Cy,Lee,")

    extract = open_extract(str(tmp_path))

    assert [row.key for row in extract.rows("ssd_person")] == ["1", "3"]
    assert reasons(extract) == [
        "ssd_person.csv has 5 cells on line 3 but its header has 4 columns, so the line is not "
        "imported: check that every comma inside a value is in double quotes"
    ]
    assert extract.problems[0].line == 3
    assert not extract.fatal


def test_a_second_row_with_the_same_key_is_a_problem_and_not_read(tmp_path: Path) -> None:
    people(tmp_path, "1234,Ann,Lee,", "1234,Ann,Leigh,", "5,Bo,Lee,", "1234,Ann,Lea,")

    extract = open_extract(str(tmp_path))
    rows = list(extract.rows("ssd_person"))

    assert [(row.key, row.line, row.values["pers_surname"]) for row in rows] == [
        ("1234", 2, "Lee"),
        ("5", 4, "Lee"),
    ]
    assert reasons(extract) == [
        "Duplicate key 1234 in ssd_person.csv: also on line 2",
        "Duplicate key 1234 in ssd_person.csv: also on line 2",
    ]
    assert [(p.line, p.key) for p in extract.problems] == [(3, "1234"), (5, "1234")]


def test_a_key_of_two_columns_is_duplicate_only_when_both_match(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,")
    write(
        tmp_path,
        "ssd_family.csv",
        "fami_table_id,fami_family_id,fami_person_id\nT1,F1,1\nT2,F1,2\nT3,F1,1\n",
    )

    extract = open_extract(str(tmp_path))

    assert [row.key for row in extract.rows("ssd_family")] == ["F1/1", "F1/2"]
    assert reasons(extract) == ["Duplicate key F1/1 in ssd_family.csv: also on line 2"]


def test_a_row_without_its_key_is_a_problem(tmp_path: Path) -> None:
    people(tmp_path, ",Ann,Lee,", "2,Bob,Lee,")

    extract = open_extract(str(tmp_path))

    assert [row.key for row in extract.rows("ssd_person")] == ["2"]
    assert reasons(extract) == [
        "ssd_person.csv has no pers_person_id on line 2, so the line is not imported: every row "
        "needs its key"
    ]


def test_blank_lines_are_skipped_and_lines_counted_as_in_the_file(tmp_path: Path) -> None:
    people(tmp_path, "", "1,Ann,Lee,", ",,,", '2,"Bob', 'Robert",Lee,', "", "3,Cy,Lee,")

    extract = open_extract(str(tmp_path))
    rows = list(extract.rows("ssd_person"))

    assert [(row.key, row.line) for row in rows] == [("1", 3), ("2", 5), ("3", 8)]
    assert rows[1].values["pers_forename"] == "Bob\nRobert"
    assert extract.problems == []


def test_values_are_stripped_and_blanks_and_null_read_as_none(tmp_path: Path) -> None:
    people(tmp_path, " 1 ,  , NULL ,null", "2,Null,Lee,  2015-01-02 ")

    extract = open_extract(str(tmp_path))
    first, second = extract.rows("ssd_person")

    assert first.values["pers_person_id"] == "1"
    assert first.values["pers_forename"] is None
    assert first.values["pers_surname"] is None
    assert first.values["pers_dob"] is None
    assert second.values["pers_forename"] == "Null"  # a name, not SQL's NULL
    assert second.values["pers_dob"] == "2015-01-02"


def test_a_short_row_reads_its_missing_cells_as_none(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann")

    extract = open_extract(str(tmp_path))
    (row,) = extract.rows("ssd_person")

    assert row.values["pers_forename"] == "Ann"
    assert row.values["pers_surname"] is None
    assert extract.problems == []


def test_a_value_under_a_nameless_column_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "ssd_person.csv", "pers_person_id,pers_forename,\n1,Ann,\n2,Bob,oops\n")

    extract = open_extract(str(tmp_path))

    assert not extract.fatal, extract.problems
    assert [row.key for row in extract.rows("ssd_person")] == ["1"]
    assert reasons(extract) == [
        "ssd_person.csv has a value on line 3 in a column with no name in its header, so the line "
        "is not imported: name the column or remove it"
    ]


def test_formula_like_values_are_read_as_plain_text(tmp_path: Path) -> None:
    people(tmp_path, "1,\"=cmd|' /C calc'!A0\",@SUM(A1),-2+3")

    extract = open_extract(str(tmp_path))
    (row,) = extract.rows("ssd_person")

    assert row.values["pers_forename"] == "=cmd|' /C calc'!A0"
    assert row.values["pers_surname"] == "@SUM(A1)"
    assert row.values["pers_dob"] == "-2+3"


def test_check_reads_every_table_once_and_reading_again_repeats_nothing(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,", "1,Ann,Lee,")
    write(tmp_path, "ssd_contacts.csv", "cont_contact_id,cont_person_id\nC1,1\nC1,1\n,1\n")

    extract = open_extract(str(tmp_path))
    assert extract.problems == []
    assert extract.check() is None

    expected = [
        "Duplicate key C1 in ssd_contacts.csv: also on line 2",
        "ssd_contacts.csv has no cont_contact_id on line 4, so the line is not imported: every "
        "row needs its key",
        "Duplicate key 1 in ssd_person.csv: also on line 2",
    ]
    assert reasons(extract) == expected
    assert not extract.fatal

    # A reading stopped part of the way, then whole readings: still each problem once.
    rows = extract.rows("ssd_contacts")
    next(rows)
    rows.close()
    list(extract.rows("ssd_contacts"))
    extract.check()
    assert reasons(extract) == expected


def test_past_the_limit_problems_are_counted_not_listed(tmp_path: Path) -> None:
    people(tmp_path, *["1,Ann,Lee,"] * 8)

    extract = open_extract(str(tmp_path), max_problems=3)
    extract.check()
    extract.check()

    assert reasons(extract) == [
        *["Duplicate key 1 in ssd_person.csv: also on line 2"] * 3,
        "ssd_person.csv has 4 more problems like these, not listed one by one",
    ]
    assert extract.problems[-1].line is None
    assert extract.skipped("ssd_person") == 7
    assert extract.skipped("ssd_contacts") == 0


def test_a_large_file_is_streamed_not_read_into_memory(tmp_path: Path) -> None:
    people(tmp_path, "1,Ann,Lee,")
    columns = TABLES["ssd_contacts"].columns
    # About 4 KB a row, so that 50 MB is 13,000 rows: tracemalloc slows every allocation.
    outcome = '"{""outcome"": ""' + "No further action. " * 210 + '""}"'
    path = tmp_path / "ssd_contacts.csv"
    target = 50 * 1024 * 1024
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(",".join(columns) + "\r\n")
        count = 0
        while file.tell() < target:
            count += 1
            file.write(f"C{count},P{count % 997},2024-03-05,S1,Self,{outcome}\r\n")
    size = path.stat().st_size

    extract = open_extract(str(tmp_path))
    tracemalloc.start()
    try:
        read = 0
        for row in extract.rows("ssd_contacts"):
            read += 1
            last = row
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert extract.problems == []
    assert read == count
    assert last.key == f"C{count}"
    assert last.values["cont_contact_outcome_json"].startswith('{"outcome": "No further')
    # The keys seen are all the reader keeps: a few MB at most, not 50.
    assert peak < size / 10, f"peak {peak:,} bytes reading a {size:,}-byte file"


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024-03-05 14:30",
        "2024-03-05 14:30:59",
        "2024-03-05 14:30:59.123456",
        "2024-03-05 00:00:00.000",
        "2024-03-05T14:30:59",
        "05/03/2024",
        "5/3/2024",
        "05/03/2024 14:30",
        "05/03/2024 14:30:59",
        "05-03-2024",
        "20240305",
        "05-Mar-2024",
        "05-MAR-2024",
        " 2024-03-05 ",
    ],
)
def test_parse_date_reads_the_ssd_formats(value: str) -> None:
    assert parse_date(value) == datetime.date(2024, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        "03/25/2024",  # US month first: never guessed
        "2024-02-30",
        "2024-13-01",
        "31/04/2024",
        "05/03/24",
        "2024-03-05x",
        "2024-03-05 25:00",
        "March 5 2024",
        "05-Foo-2024",
        "20241301",
        "",
    ],
)
def test_parse_date_refuses_anything_else_naming_the_formats(value: str) -> None:
    with pytest.raises(ValueError, match=r"YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, YYYYMMDD"):
        parse_date(value)


def test_parse_date_says_a_month_first_date_is_read_day_first() -> None:
    with pytest.raises(ValueError) as raised:
        parse_date("03/25/2024")
    assert str(raised.value).startswith("03/25/2024 is not a real date")
    assert "read day first, DD/MM/YYYY, never month first" in str(raised.value)


def test_parse_date_names_a_value_in_no_format_the_ssd_allows() -> None:
    with pytest.raises(ValueError) as raised:
        parse_date("March 5 2024")
    assert str(raised.value).startswith(
        "March 5 2024 is not a date in a format the SSD allows (YYYY-MM-DD, DD/MM/YYYY, "
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Y", True),
        ("y", True),
        ("Yes", True),
        ("TRUE", True),
        ("1", True),
        (" N ", False),
        ("no", False),
        ("False", False),
        ("0", False),
    ],
)
def test_parse_flag_reads_yes_and_no(value: str, expected: bool) -> None:
    assert parse_flag(value) is expected


@pytest.mark.parametrize("value", ["", "maybe", "2", "T", "Yess"])
def test_parse_flag_refuses_anything_else(value: str) -> None:
    with pytest.raises(ValueError, match=r"Y, N, Yes, No, True, False, 1 or 0"):
        parse_flag(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+44 20", "'+44 20"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ann = Bob", "Ann = Bob"),
        ("", ""),
    ],
)
def test_safe_cell_neutralises_formulas_only(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


# --- databases -------------------------------------------------------------------------------


def test_a_database_address_loses_its_password() -> None:
    assert (
        redact_url("postgresql://fwb:s3cret@db.example:5432/ssd?schema=ssd&password=x")
        == "postgresql://fwb@db.example:5432/ssd?schema=ssd"
    )


def test_an_address_of_another_kind_is_fatal() -> None:
    extract = open_extract("mysql://u:pw@host/ssd", database=True)

    assert extract.fatal
    assert extract.source == "mysql://u@host/ssd"
    assert reasons(extract) == [
        "mysql://u@host/ssd is not a database address the import can read: use "
        "postgresql://user@host:port/database or mssql://user@host:port/database"
    ]


def test_sql_server_without_its_driver_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "mssql_python", None)  # import fails as if not installed

    extract = open_extract("mssql://reader:pw@sql.example:1433/ssd", database=True)

    assert extract.fatal
    assert reasons(extract) == [
        "Reading from SQL Server needs the sqlserver extra: pip install 'familyworkbook[sqlserver]'"
    ]


def test_sql_server_is_read_through_the_same_db_api_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SQL Server here: a stand-in driver records what the reader asks of it."""
    asked: list[tuple[str, object]] = []

    class Error(Exception):
        pass

    class Cursor:
        def __init__(self) -> None:
            self.rows: list[tuple[object, ...]] = []

        def execute(self, sql: str, params: object = None) -> None:
            asked.append((" ".join(sql.split()), params))
            if "INFORMATION_SCHEMA" in sql:
                self.rows = [
                    ("ssd", "SSD_PERSON", "pers_person_id"),
                    ("ssd", "SSD_PERSON", "pers_dob"),
                ]
            else:
                dob = datetime.datetime(2015, 1, 2, 0, 0)  # noqa: DTZ001 - as the driver gives it
                self.rows = [("1", dob), ("2", None), ("1", dob)]

        def fetchall(self) -> list[tuple[object, ...]]:
            return self.rows

        def fetchmany(self, size: int) -> list[tuple[object, ...]]:
            chunk, self.rows = self.rows[:size], self.rows[size:]
            return chunk

        def close(self) -> None:
            pass

    class Connection:
        def cursor(self) -> Cursor:  # no name: SQL Server's ODBC cursor fetches as asked
            return Cursor()

        def close(self) -> None:
            asked.append(("closed", None))

    def connect(connection_string: str) -> Connection:
        asked.append(("connect", connection_string))
        return Connection()

    driver = type(sys)("mssql_python")
    driver.connect = connect  # type: ignore[attr-defined]
    driver.Error = Error  # type: ignore[attr-defined]
    driver.ConnectionStringParseError = ValueError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mssql_python", driver)

    extract = open_extract("mssql://reader:pw@sql.example/SSD?schema=ssd", database=True)
    rows = list(extract.rows("ssd_person"))

    assert not extract.fatal, extract.problems
    assert extract.source == "mssql://reader@sql.example/SSD?schema=ssd"
    assert [(row.line, row.key, row.values["pers_dob"]) for row in rows] == [
        (1, "1", "2015-01-02 00:00:00"),
        (2, "2", None),
    ]
    assert reasons(extract) == ["Duplicate key 1 in the table SSD_PERSON: also on row 1"]
    assert asked == [
        ("connect", "Server=sql.example;Database=SSD;UID=reader;PWD=pw"),
        (
            "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE "
            "TABLE_SCHEMA = %(schema)s ORDER BY TABLE_NAME, ORDINAL_POSITION",
            {"schema": "ssd"},
        ),
        ("closed", None),
        ("connect", "Server=sql.example;Database=SSD;UID=reader;PWD=pw"),
        (
            "SELECT [pers_person_id], [pers_dob] FROM [ssd].[SSD_PERSON] ORDER BY [pers_person_id]",
            None,
        ),
        ("closed", None),
    ]


def test_a_driver_error_never_shows_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    class Error(Exception):
        pass

    def connect(connection_string: str) -> None:
        raise Error(f"Login failed.\nConnection string: {connection_string}")

    driver = type(sys)("mssql_python")
    driver.connect = connect  # type: ignore[attr-defined]
    driver.Error = Error  # type: ignore[attr-defined]
    driver.ConnectionStringParseError = ValueError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mssql_python", driver)

    extract = open_extract("mssql://reader:s%40cret@sql.example/SSD", database=True)

    assert extract.fatal
    assert reasons(extract) == [
        "Cannot read the SQL Server database at mssql://reader@sql.example/SSD: Login failed. "
        "Connection string: Server=sql.example;Database=SSD;UID=reader;PWD=********. Check the "
        "address, and that the database is running and lets this user in"
    ]


def test_a_sql_server_address_becomes_an_odbc_connection_string() -> None:
    assert sqlserver_connection_string(
        "sqlserver://reader:p%3Bw%7D@sql.example:1433/SSD?schema=ssd&TrustServerCertificate=yes"
    ) == ("Server=sql.example,1433;Database=SSD;UID=reader;PWD={p;w}}};TrustServerCertificate=yes")


def _admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))


@pytest.fixture(scope="module")
def ssd_database() -> object:
    """A scratch PostgreSQL database holding a few SSD tables; dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    admin = _admin_url()
    name = "fwb_reader_src"
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):
        name = f"{name}_{worker}"
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        pytest.skip(f"PostgreSQL is not reachable at {redact_url(admin)}: {error}")
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    with psycopg.connect(url, autocommit=True) as source:
        source.execute(
            "CREATE TABLE ssd_person (pers_person_id varchar(48) PRIMARY KEY, "
            '"PERS_Forename" varchar(300), pers_dob timestamp, pers_is_mother char(1))'
        )
        source.execute(
            "INSERT INTO ssd_person SELECT 'P' || n, CASE WHEN n = 2 THEN NULL ELSE ' Name' || n "
            "|| ' ' END, timestamp '2015-01-02 00:00' + n * interval '1 day', 'N' "
            "FROM generate_series(1, 4500) n"
        )
        source.execute(
            "CREATE TABLE ssd_contacts (cont_contact_id varchar(48), cont_person_id varchar(48), "
            "cont_contact_date date, cont_contact_outcome_json jsonb)"
        )
        source.execute(
            "INSERT INTO ssd_contacts VALUES ('C1', 'P1', '2024-03-05', '{\"a\": 1}'), "
            "('C2', 'P1', NULL, NULL), ('C1', 'P2', '2024-03-05', '{\"a\": 1}')"
        )
        source.execute("CREATE TABLE django_migrations (id int)")  # not SSD: not looked at
        source.execute("CREATE SCHEMA other")
        source.execute("CREATE TABLE other.ssd_person (pers_person_id text, pers_shoe_size int)")
        source.execute("CREATE TABLE other.ssd_persons (pers_person_id text)")
        source.execute("CREATE SCHEMA nopeople")
        source.execute("CREATE TABLE nopeople.ssd_contacts (cont_contact_id text)")
    yield url
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_tables_are_read_like_the_files(ssd_database: str) -> None:
    extract = open_extract(ssd_database, database=True)

    assert not extract.fatal, extract.problems
    assert extract.tables() == ["ssd_contacts", "ssd_person"]
    people = list(extract.rows("ssd_person"))
    assert len(people) == 4500
    first = next(row for row in people if row.key == "P1")
    assert first.values["pers_forename"] == "Name1"
    assert parse_date(first.values["pers_dob"] or "") == datetime.date(2015, 1, 3)
    assert next(row for row in people if row.key == "P2").values["pers_forename"] is None
    assert first.values["pers_gender"] is None  # not a column of this table
    assert [row.line for row in people] == list(range(1, 4501))
    assert [row.key for row in people[:3]] == ["P1", "P10", "P100"]

    contacts = list(extract.rows("ssd_contacts"))
    assert [row.key for row in contacts] == ["C1", "C2"]
    assert contacts[0].values["cont_contact_date"] == "2024-03-05"
    assert contacts[0].values["cont_contact_outcome_json"] == '{"a": 1}'
    assert contacts[1].values["cont_contact_date"] is None
    # Rows come in key order: a table's row numbers are the same each time it is read.
    assert [row.line for row in contacts] == [1, 3]
    assert reasons(extract) == ["Duplicate key C1 in the table ssd_contacts: also on row 1"]
    assert extract.problems[0].line == 2
    extract.check()
    assert len(extract.problems) == 1


def test_postgresql_rows_come_from_a_named_cursor_in_chunks(
    ssd_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "CHUNK_ROWS", 1000)
    extract = open_extract(ssd_database, database=True)
    assert isinstance(extract, reader._DatabaseExtract)
    connect = extract.dialect.connect
    seen: dict[str, list[object]] = {"names": [], "fetches": []}

    class Watched:
        def __init__(self, cursor: object) -> None:
            self.cursor = cursor

        def execute(self, sql: str) -> None:
            self.cursor.execute(sql)  # type: ignore[attr-defined]

        def fetchmany(self, size: int) -> list[object]:
            chunk = self.cursor.fetchmany(size)  # type: ignore[attr-defined]
            seen["fetches"].append(len(chunk))
            return chunk

        def close(self) -> None:
            self.cursor.close()  # type: ignore[attr-defined]

    class Connection:
        def __init__(self) -> None:
            self.connection = connect()

        def cursor(self, name: str | None = None) -> Watched:
            seen["names"].append(name)
            return Watched(self.connection.cursor(name=name))

        def close(self) -> None:
            self.connection.close()

    monkeypatch.setattr(extract.dialect, "connect", Connection)

    assert sum(1 for _ in extract.rows("ssd_person")) == 4500
    assert seen["names"] == ["fwb_ssd_ssd_person"]
    assert seen["fetches"] == [1000, 1000, 1000, 1000, 500, 0]


def test_postgresql_schema_in_the_address_is_read_and_unknown_columns_fatal(
    ssd_database: str,
) -> None:
    extract = open_extract(ssd_database + "?schema=other", database=True)

    assert extract.fatal
    assert reasons(extract) == [
        "The table ssd_persons in the schema other is not an SSD table, so it is not read. "
        "Did you mean ssd_person?",
        "The table ssd_person has a column that is not in the SSD: pers_shoe_size. Give it its "
        "SSD name or take it out of the table.",
    ]


def test_postgresql_without_ssd_person_is_fatal(ssd_database: str) -> None:
    extract = open_extract(ssd_database + "?schema=nopeople", database=True)

    assert extract.fatal
    assert reasons(extract) == [
        "The schema nopeople has no ssd_person table: every import needs the people"
    ]
    assert extract.tables() == ["ssd_contacts"]


def test_a_database_that_cannot_be_reached_is_fatal_without_its_password(
    ssd_database: str,
) -> None:
    parts = urlsplit(ssd_database)
    url = urlunsplit(
        (
            parts.scheme,
            f"postgres:hunter2@{parts.hostname}:{parts.port}",
            "/fwb_reader_absent",
            "",
            "",
        )
    )

    extract = open_extract(url, database=True)

    assert extract.fatal
    assert (
        extract.source
        == f"{parts.scheme}://postgres@{parts.hostname}:{parts.port}/fwb_reader_absent"
    )
    (problem,) = extract.problems
    assert problem.reason.startswith(f"Cannot read the PostgreSQL database at {extract.source}: ")
    assert "fwb_reader_absent" in problem.reason
    assert "hunter2" not in problem.reason
