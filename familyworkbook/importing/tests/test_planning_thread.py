"""The import plans the next batch of families in a second thread while it writes this one
(issue 16 part 6): that thread may not query the database, and the result is the same as one
batch at a time."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection

from familyworkbook.importing import plan as planning
from familyworkbook.importing import services
from familyworkbook.importing.services import run_import
from familyworkbook.importing.tests import extract
from familyworkbook.people.models import Family, Person

pytestmark = pytest.mark.django_db


def test_batches_are_planned_in_a_second_thread_and_all_land(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BATCH_FAMILIES", 1)  # two batches: FAM1, then FAM2
    threads = set()
    real = planning.plan_family

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.add(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(planning, "plan_family", recorded)
    run = run_import(str(extract.write(tmp_path / "x")))

    assert threads and all(name.startswith("import-plan") for name in threads)
    assert run.families["imported"] == 2
    assert set(Family.objects.values_list("reference", flat=True)) >= {"FAM1", "FAM2"}
    assert Person.objects.count() == 4


def test_a_query_while_planning_in_the_thread_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = planning.plan_family

    def querying(*args, **kwargs):  # type: ignore[no-untyped-def]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return real(*args, **kwargs)

    monkeypatch.setattr(planning, "plan_family", querying)
    with pytest.raises(RuntimeError, match="must not query the database"):
        run_import(str(extract.write(tmp_path / "x")))
    assert not Family.objects.filter(reference="FAM1").exists()
