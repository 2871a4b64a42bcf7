"""How long `seed_demo` takes to build the demo county, on SQLite and on PostgreSQL.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/seed_demo.py                         # 2,000 and 20,000 families, both databases
    .venv/bin/python bench/seed_demo.py --families 2000 --database sqlite
    .venv/bin/python bench/seed_demo.py --families 2000 --digest   # also fingerprint the data

Each run starts from an empty database: SQLite in a fresh file under var/bench/, PostgreSQL
in a database this script drops and creates (BENCH_POSTGRES_DB, default fwb_bench_seed, on
BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432). It runs `manage.py migrate`, then times
`manage.py seed_demo --families N --seed S --quiet` in its own process (wall clock, Django
start-up included). With --digest it then prints the data's fingerprint, which is the same
on both databases for the same seed. Results are printed as a table and written to
bench/results/seed_demo.json.

This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "seed_demo.json"
PYTHON = sys.executable
DIGEST = "from familyworkbook.demo.digest import data_digest; print(data_digest())"


def _fresh_sqlite(families: int) -> str:
    path = ROOT / "var" / "bench" / f"seed_demo_{families}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _fresh_postgres() -> str:
    import psycopg

    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    name = os.environ.get("BENCH_POSTGRES_DB", "fwb_bench_seed")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _manage(database_url: str, *args: str) -> tuple[float, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "FWB_ALLOW_INSECURE_KEY": os.environ.get("FWB_ALLOW_INSECURE_KEY", "true"),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode})")
    return seconds, done.stdout


def run(database: str, families: int, seed: int, *, digest: bool) -> dict[str, object]:
    url = _fresh_sqlite(families) if database == "sqlite" else _fresh_postgres()
    migrate_s, _ = _manage(url, "migrate", "--verbosity", "0")
    print(f"{database}: seeding {families:,} families …", flush=True)
    load_before = os.getloadavg()[0]
    seed_s, _ = _manage(
        url, "seed_demo", "--families", str(families), "--seed", str(seed), "--quiet"
    )
    row: dict[str, object] = {
        "database": database,
        "families": families,
        "seed": seed,
        "seed_seconds": round(seed_s, 1),
        "families_per_second": round(families / seed_s),
        "migrate_seconds": round(migrate_s, 1),
        # The machine is shared: the 1-minute load average before and after the seed.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    if digest:
        _s, out = _manage(url, "shell", "--no-startup", "-c", DIGEST)
        row["digest"] = out.strip().splitlines()[-1]
    print(f"{database}: {families:,} families in {seed_s:.1f} s", flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--digest", action="store_true", help="Fingerprint the data after each run."
    )
    args = parser.parse_args()

    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    rows = [
        run(database, families, args.seed, digest=args.digest)
        for families in args.families
        for database in databases
    ]

    print()
    header = f"{'database':<10}{'families':>10}{'seed_demo':>12}{'families/s':>12}{'migrate':>10}"
    print(header + ("  digest" if args.digest else ""))
    print("-" * (len(header) + (18 if args.digest else 0)))
    for row in rows:
        line = (
            f"{row['database']:<10}{row['families']:>10,}{row['seed_seconds']:>10.1f} s"
            f"{row['families_per_second']:>12,}{row['migrate_seconds']:>8.1f} s"
        )
        if args.digest:
            line += f"  {str(row['digest'])[:16]}"
        print(line)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "seed_demo",
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
                "runs": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
