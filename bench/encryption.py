"""What field encryption (R16) costs: reading the encrypted columns, the statutory returns that
read them, and finding an address by postcode.

```bash
.venv/bin/python bench/encryption.py --families 2000 --database sqlite
```

On a seeded county (`open_county`, database `encryption_<families>`) it times, median of
`--repeat` runs: every address read through the ORM (decrypted) against the same columns read
with raw SQL (ciphertext, or plaintext before R16), the CIN census and SSDA903 builds for the
latest collection year, and finding the addresses at a postcode (the blind index after R16,
an exact match on the postcode column before). The script runs unchanged on a checkout from
before R16, which is how the "before" figures in the decision record were taken; figures are
printed and appended to bench/results/encryption.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import open_county  # noqa: E402


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(timings), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    open_county(
        args.database, f"encryption_{args.families}", families=args.families, seed=args.seed
    )
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from familyworkbook.people.models import Address
    from familyworkbook.returns.cin import build_cin_census
    from familyworkbook.returns.periods import CollectionYear
    from familyworkbook.returns.ssda903.builder import build_ssda903

    encrypted = hasattr(Address.objects, "with_postcode")
    today = timezone.localdate()
    year = CollectionYear(today.year if today.month > 3 else today.year - 1)
    columns = ["line_1", "line_2", "town", "postcode"]
    rows = Address.objects.count()

    def orm() -> None:
        list(Address.objects.values_list(*columns))

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT line_1, line_2, town, postcode FROM people_address")
            cursor.fetchall()

    postcodes = list(Address.objects.values_list("postcode", flat=True)[:200:10])

    def by_postcode() -> None:
        for postcode in postcodes:
            if encrypted:
                list(Address.objects.with_postcode(postcode))
            else:
                list(Address.objects.filter(postcode=postcode))

    figures = {
        "addresses": rows,
        "addresses_orm_ms": median_ms(orm, args.repeat),
        "addresses_raw_sql_ms": median_ms(raw, args.repeat),
        "cin_census_ms": median_ms(lambda: build_cin_census(year), args.repeat),
        "ssda903_ms": median_ms(lambda: build_ssda903(year), args.repeat),
        "find_by_postcode_ms_per_search": round(
            median_ms(by_postcode, args.repeat) / max(1, len(postcodes)), 2
        ),
    }
    label = "after R16 (encrypted)" if encrypted else "before R16 (plaintext)"
    print(f"{label}, {args.database}, {args.families} families, year {year.year}:")
    for key, value in figures.items():
        print(f"  {key:32} {value}")
    out = ROOT / "bench" / "results" / "encryption.json"
    history = json.loads(out.read_text()) if out.exists() else []
    history.append(
        {
            "benchmark": "encryption",
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.system()} {platform.machine()}",
            "database": args.database,
            "families": args.families,
            "encrypted": encrypted,
            **figures,
        }
    )
    out.write_text(json.dumps(history, indent=2) + "\n")


if __name__ == "__main__":
    main()
