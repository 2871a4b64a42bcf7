"""A large extract is filed on disk, not in memory (issue 16 part 8: a 2 GB file is streamed,
not read whole), and imports exactly as a small one does."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from familyworkbook.importing import plan as planning
from familyworkbook.importing.models import SourceRecord
from familyworkbook.importing.reader import open_extract
from familyworkbook.importing.services import run_import
from familyworkbook.importing.spec import TABLES
from familyworkbook.importing.tests import extract
from familyworkbook.people.models import Family, Person


def _records() -> list[tuple[str, str, str, str]]:
    return sorted(
        SourceRecord.objects.values_list("table", "key", "digest", "target_type").iterator()
    )


@pytest.mark.django_db
def test_a_spilled_index_imports_the_same_records_as_one_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = extract.write(tmp_path / "x")
    index = planning.Index.load(open_extract(str(folder)), spill_after=3)
    assert index.by_person.spilled
    in_memory = planning.Index.load(open_extract(str(folder)))
    assert not in_memory.by_person.spilled
    for key in in_memory.families:
        assert index.rows_of(key) == in_memory.rows_of(key), key
    assert index.families == in_memory.families
    index.close()

    monkeypatch.setattr(planning.RowStore, "SPILL_AFTER", 3)
    run = run_import(str(folder))
    assert run.families["imported"] == 2
    assert Person.objects.count() == 4 and Family.objects.filter(reference="FAM1").exists()
    spilled = _records()
    again = run_import(str(folder))  # and a re-run matches it, row by row
    assert again.families["unchanged"] == 2
    assert _records() == spilled


def test_filing_a_large_extract_keeps_memory_flat(tmp_path: Path) -> None:
    """40,000 visits for 2,000 children: past the spill point, rows go to the scratch file."""
    people = tmp_path / "ssd_person.csv"
    visits = tmp_path / "ssd_cin_visits.csv"
    with people.open("w", encoding="utf-8", newline="") as file:
        file.write(",".join(TABLES["ssd_person"].columns) + "\r\n")
        for n in range(2000):
            file.write(
                ",".join(
                    {
                        "pers_person_id": f"P{n}",
                        "pers_surname": "Lee",
                        "pers_dob": "2015-01-01",
                    }.get(c, "")
                    for c in TABLES["ssd_person"].columns
                )
                + "\r\n"
            )
    note = "Seen at home with mum; the kitchen was clean and there was food in. " * 10
    columns = TABLES["ssd_cin_visits"].columns
    with visits.open("w", encoding="utf-8", newline="") as file:
        file.write(",".join(columns) + "\r\n")
        for n in range(40_000):
            values = {
                "cinv_cin_visit_id": f"V{n}",
                "cinv_person_id": f"P{n % 2000}",
                "cinv_cin_visit_date": "2024-02-05",
                "cinv_cin_visit_seen": "Y",
            }
            row = [values.get(c, "") for c in columns]
            row[-1] = f'"{note}"' if not row[-1] else row[-1]
            file.write(",".join(row) + "\r\n")
    size = visits.stat().st_size

    tracemalloc.start()
    try:
        index = planning.Index.load(open_extract(str(tmp_path)), spill_after=1000)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert index.by_person.spilled
        assert sum(len(index.rows_of(k)) for k in index.families) == 42_000
        # The people, their families and the keys: a fraction of the file, not a multiple.
        print(f"filing: peak {peak:,} bytes for a {size:,}-byte file")
        assert peak < size / 2, f"peak {peak:,} bytes filing a {size:,}-byte file"
    finally:
        index.close()
