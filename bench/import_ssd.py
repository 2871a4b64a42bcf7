"""Moving a county in: `import_ssd` of a 20,000-family SSD extract on PostgreSQL (issue 16).

    .venv/bin/python bench/import_ssd.py --families 20000          # make bench-import
    .venv/bin/python bench/import_ssd.py --families 2000 --copies 1 # a quick try

1. The old system: a scratch PostgreSQL database (fwb_bench_ssd_old), migrated, seeded with
   `seed_demo --families BASE --seed 1` (five years of a demo county's history), and exported
   with `export_ssd`. Seeding 20,000 families takes longer than the import being measured, so
   by default BASE is families / copies and the extract is the base extract written `copies`
   times, each copy's keys prefixed ("X2-..."): every id column, every column that points at
   one, the family references and LA child ids, and NHS numbers re-drawn (they are unique).
   The extract is kept in var/bench/import/ between runs (--reuse-extract).
2. Family Workbook: a second scratch database (fwb_bench_ssd_new), migrated, empty.
3. `manage.py import_ssd DIR` into it, timed (wall clock, CPU, peak memory), then the same
   again (the second run must find every family unchanged), then a dry run.

Prints one table and writes bench/results/import_ssd.json with the machine and load average.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
WORK = ROOT / "var" / "bench" / "import"
RESULTS = ROOT / "bench" / "results" / "import_ssd.json"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")

sys.path.insert(0, str(ROOT))


def manage(database: str, *args: str, timed: bool = False) -> dict[str, float]:
    env = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "DJANGO_DEBUG": "true",
        "FWB_TASKS_IMMEDIATE": "true",
    }
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": round(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1
        ),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 0),
    }


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{POSTGRES}/postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True
    )


def fresh_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')


def _id_columns() -> dict[str, set[str]]:
    """Per table, the columns holding an id of the extract (its keys and what points at them)."""
    from familyworkbook.importing.spec import TABLES

    columns: dict[str, set[str]] = {}
    for name, spec in TABLES.items():
        ids = set(spec.key) | set(spec.links) | {c for c in spec.columns if c.endswith("_id")}
        columns[name] = ids - spec.dates  # a date in a key (ssd_cla_immunisations) stays a date
    columns["ssd_cla_episodes"].add("clae_cla_placement_id")
    return columns


def _nhs(rng: random.Random) -> str:
    from familyworkbook.people.models import nhs_check_digit

    while True:
        digits = "".join(rng.choice("0123456789") for _ in range(9))
        check = nhs_check_digit(digits)
        if check is not None and check != 10:
            return f"{digits}{check}"


def replicate(base: Path, out: Path, copies: int) -> int:
    """The base extract `copies` times over, each copy's ids prefixed; returns rows written."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    django.setup()
    ids = _id_columns()
    rng = random.Random(16)
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    for path in sorted(base.glob("ssd_*.csv")):
        table = path.stem
        with path.open(encoding="utf-8", newline="") as source:
            reader = csv.reader(source)
            header = next(reader)
            body = list(reader)
        prefix_at = [i for i, c in enumerate(header) if c in ids.get(table, set())]
        nhs_at = header.index("link_identifier_value") if table == "ssd_linked_identifiers" else -1
        type_at = header.index("link_identifier_type") if nhs_at >= 0 else -1
        with (out / path.name).open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target)
            writer.writerow(header)
            for copy in range(copies):
                tag = f"X{copy}"
                for row in body:
                    row = list(row)
                    if copy:
                        for i in prefix_at:
                            if row[i]:
                                row[i] = f"{tag}{row[i]}"
                        if nhs_at >= 0 and row[type_at] == "NHS Number":
                            row[nhs_at] = _nhs(rng)
                    writer.writerow(row)
                    rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=20000)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--reuse-extract", action="store_true")
    parser.add_argument("--keep-databases", action="store_true")
    parser.add_argument(
        "--import-only", action="store_true", help="skip the second import and the dry run"
    )
    args = parser.parse_args()
    base_families = args.families // args.copies
    extract = WORK / f"ssd-{args.families}"
    result: dict[str, object] = {
        "families": args.families,
        "copies": args.copies,
        "base_families": base_families,
        "machine": {
            "cores": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average_start": os.getloadavg(),
        },
    }
    base = WORK / f"ssd-base-{base_families}"
    if args.reuse_extract and base.exists() and not extract.exists():
        started = time.monotonic()
        result["rows"] = replicate(base, extract, args.copies)
        result["replicate_seconds"] = round(time.monotonic() - started, 1)
    if not (args.reuse_extract and extract.exists()):
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(extract, ignore_errors=True)
        fresh_database("fwb_bench_ssd_old")
        manage("fwb_bench_ssd_old", "migrate", "-v0")
        result["seed"] = manage(
            "fwb_bench_ssd_old",
            "seed_demo",
            "--families",
            str(base_families),
            "--seed",
            "1",
            "--no-dashboards",
            "--quiet",
        )
        result["export"] = manage("fwb_bench_ssd_old", "export_ssd", str(base))
        if not args.keep_databases:
            psql('DROP DATABASE IF EXISTS "fwb_bench_ssd_old" WITH (FORCE)')
        started = time.monotonic()
        result["rows"] = replicate(base, extract, args.copies)
        result["replicate_seconds"] = round(time.monotonic() - started, 1)
    size = sum(p.stat().st_size for p in extract.glob("*.csv"))
    result["extract_mb"] = round(size / 1e6, 1)
    fresh_database("fwb_bench_ssd_new")
    result["migrate"] = manage("fwb_bench_ssd_new", "migrate", "-v0")
    result["import"] = manage(
        "fwb_bench_ssd_new", "import_ssd", str(extract), "--report", str(WORK / "report")
    )
    result["load_average_after_import"] = os.getloadavg()
    if not args.import_only:
        result["reimport"] = manage("fwb_bench_ssd_new", "import_ssd", str(extract))
        result["dry_run"] = manage("fwb_bench_ssd_new", "import_ssd", str(extract), "--dry-run")
    result["machine"]["load_average_end"] = os.getloadavg()  # type: ignore[index]
    if not args.keep_databases:
        psql('DROP DATABASE IF EXISTS "fwb_bench_ssd_new" WITH (FORCE)')
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(f"{'step':<22} {'seconds':>9} {'CPU s':>9} {'peak MB':>9}")
    for step in ("seed", "export", "migrate", "import", "reimport", "dry_run"):
        if step in result:
            r = result[step]
            print(
                f"{step:<22} {r['seconds']:>9,.1f} {r['cpu_seconds']:>9,.1f} {r['peak_rss_mb']:>9,.0f}"
            )  # type: ignore[index]
    print(
        f"extract: {args.families:,} families, {result['extract_mb']} MB; machine {result['machine']}"
    )
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
