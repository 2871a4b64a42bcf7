"""Time to generate each document type for a family with three years of records.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/documents.py                       # SQLite, var/bench/documents.sqlite3
    .venv/bin/python bench/documents.py --database postgres   # fwb_documents on the local server

Builds the documents tests' demo family (the Smiths with three years of Workbook entries,
goals and ratings, Cycle of Change, risk and need, measures, meetings and a Supporting Change
intervention: familyworkbook/documents/tests/test_fillers_world.py, built with the demo
builders) in a fresh database, then for every registered document type times, REPEAT times:
building the draft from the record (every filler, as the lead social worker), rendering HTML,
the tagged PDF (WeasyPrint) and the Word file (python-docx). Prints a table: document,
median seconds (draft + HTML + PDF + DOCX), pages, page limit, and the sections a
practitioner still writes. Results are appended to bench/results/documents.json.
This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import database_url  # noqa: E402


def _world():  # type: ignore[no-untyped-def]
    from familyworkbook.demo import builders
    from familyworkbook.documents.tests import test_fillers_world as w
    from familyworkbook.teams.models import Role

    north = builders.team("North Family Safeguarding Team", district="Fenland")
    south = builders.team("South Family Safeguarding Team", district="City")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    mo = builders.worker(
        "mo", role=Role.TEAM_MANAGER, teams=[north], first_name="Mo", last_name="Reid"
    )
    dana = builders.worker(
        "dana",
        role=Role.DA_SURVIVOR_WORKER,
        teams=[north, south],
        first_name="Dana",
        last_name="Price",
    )
    build = w.world._get_wrapped_function()  # the pytest fixture's own function
    return build(None, sam, dana, mo, north)


def _subject(doc_type, world):  # type: ignore[no-untyped-def]
    if doc_type.subject == "person":
        from familyworkbook.documents.fillers.letters import recipients

        people = recipients(world.sam.user, world.family)
        return people[0] if people else None
    if doc_type.subject == "meeting":
        return world.meetings[-1] if world.meetings else None
    if doc_type.subject == "intervention":
        return world.intervention
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = database_url(args.database, "documents", fresh=True)
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    print(f"Migrating a fresh {args.database} database...", flush=True)
    call_command("migrate", verbosity=0)
    print("Building the family with three years of records...", flush=True)
    world = _world()

    from familyworkbook.documents import engine, schemas, services
    from familyworkbook.workbook.models import Entry

    entries = Entry.objects.filter(family=world.family)
    first = entries.order_by("happened_on").values_list("happened_on", flat=True).first()
    print(f"Family: {entries.count()} Workbook entries since {first}", flush=True)
    rows = []
    types = schemas.all_types()
    for n, doc_type in enumerate(types, start=1):
        print(f"[{n}/{len(types)}] {doc_type.key}...", flush=True)
        subject = _subject(doc_type, world)
        if doc_type.subject in ("person", "meeting", "intervention") and subject is None:
            print(f"  skipped: the family has no {doc_type.subject} for this document")
            continue
        document = services.create_document(
            family=world.family, type_key=doc_type.key, by=world.sam.user, subject=subject
        )
        times, parts = [], {}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            content = engine.build(document, world.sam.user).content
            t1 = time.perf_counter()
            html = engine.render_html(content)
            t2 = time.perf_counter()
            pdf = engine.render_pdf(html)
            t3 = time.perf_counter()
            engine.render_docx(content)
            t4 = time.perf_counter()
            times.append(t4 - t0)
            parts = {"draft": t1 - t0, "html": t2 - t1, "pdf": t3 - t2, "docx": t4 - t3}
        rows.append(
            {
                "document": doc_type.key,
                "seconds": round(statistics.median(times), 3),
                "last_run": {k: round(v, 3) for k, v in parts.items()},
                "pages": pdf.pages,
                "page_limit": doc_type.page_limit,
                "sections": len(doc_type.sections),
                "written_by_practitioner": len(doc_type.written_sections),
                "facts": len(engine.sources(content)),
            }
        )
    print()
    header = f"{'document':30} {'seconds':>8} {'pages':>6} {'limit':>6} {'sections':>9} {'to write':>9} {'facts':>6}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['document']:30} {r['seconds']:8.2f} {r['pages']:6d} {str(r['page_limit'] or '-'):>6} "
            f"{r['sections']:9d} {r['written_by_practitioner']:9d} {r['facts']:6d}"
        )
    results = ROOT / "bench" / "results" / "documents.json"
    existing = json.loads(results.read_text()) if results.exists() else []
    existing.append(
        {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": args.database,
            "repeat": args.repeat,
            "load_average": os.getloadavg()[0],
            "rows": rows,
        }
    )
    results.write_text(json.dumps(existing, indent=2) + "\n")
    print(f"\nAppended to {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
