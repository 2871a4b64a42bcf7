"""Check an SSDA903 return (a folder of CSVs) with csc-validator-be-903, in a form CI can use.

Run it with .venv-validators/bin/python (Python 3.11, pandas 1.x; see setup.sh), never in the
Django process: the package configures logging and prints on import.

    .venv-validators/bin/python scripts/validators/run_903.py DIR --year 2026 --la E10000003 \
        [--prev LAST_YEAR_DIR] [--ignore 392a,...] [--rules 101,142]

Year and LA may also come from SSDA903_YEAR and SSDA903_LA. Prints one line per flagged row,
then `ERRORS: n`. Exit status: 0 when there are no errors, 1 when there are, 2 when the files
cannot be read.

Semantics (STATUTORY-RETURNS.md section 3):
- Every flagged row counts: the package has no error/query split.
- A rule that throws counts as an error, except 231 and 233, which read columns that do not exist
  and so crash on every input.
- SW12STG2 and 632 cannot pass for a child who left care and came back within the file (the
  decision and its evidence: docs/decisions/ssda903-validator-defects.md). For such a child the
  harness checks the rule as the DfE words it, period of care by period of care
  (`_sw12_per_period`, `_632_per_period`): rows that pass that check are printed as KNOWN
  DEFECT lines and not counted; rows that fail it too are counted. --strict counts them all.
- Each CSV is recognised by its exact column set, not its name. A table with no CSV is treated as
  present but empty, as in a complete return (SSDA903_NO_FILL=1 leaves it out, so the rules that
  need it are skipped).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
import warnings
from pathlib import Path

ALWAYS_CRASH = {"231", "233"}
# Rules that cannot pass for a child who left care and came back within the file:
# SW12STG2 (see _re_entrants) and 632, which compares the date of a previous permanence
# order with the child's first episode in the file, not with the period of care it precedes,
# so an SGO or adoption that ended an earlier period in the file always fails.
KNOWN_DEFECTS = {"SW12STG2", "632"}
DECISION = "docs/decisions/ssda903-validator-defects.md"


def _day(value):  # type: ignore[no-untyped-def]
    """dd/mm/yyyy as a date; None when blank or not a date."""
    import datetime as dt

    try:
        day, month, year = str(value).strip().split("/")
        return dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def _latest_day(value):  # type: ignore[no-untyped-def]
    """A DATE_PERM as the validator reads it: ZZ is the end of the month or year."""
    import calendar
    import datetime as dt

    try:
        day, month, year = str(value).strip().upper().split("/")
        if month == "ZZ":
            return dt.date(int(year), 12, 31)
        last = calendar.monthrange(int(year), int(month))[1]
        return dt.date(int(year), int(month), last if day == "ZZ" else int(day))
    except (TypeError, ValueError):
        return None


def _periods(rows):  # type: ignore[no-untyped-def]
    """A child's episodes as periods of care: [(start, end or None, starts, ends)] in order."""
    periods = []
    import datetime as dt

    for _, row in sorted(rows.iterrows(), key=lambda pair: _day(pair[1]["DECOM"]) or dt.date.min):
        start = _day(row["DECOM"])
        if start is None:
            continue
        if row.get("RNE") == "S" or not periods:
            periods.append([start, None, [], []])
        period = periods[-1]
        if row.get("RNE") == "S":
            period[2].append(start)
        rec = row.get("REC")
        if isinstance(rec, str) and rec and rec != "X1":
            period[1] = _day(row["DEC"])
            period[3].append(period[1])
    return periods


def _sw12_per_period(child, episodes, sw_episodes) -> bool:  # type: ignore[no-untyped-def]
    """SW12STG2 as the DfE words it, checked within each period of care of a re-entrant child:
    every social worker episode of a period starts on or after the care started and on or
    before it ended. Each social worker episode belongs to the latest period started by then."""
    periods = _periods(episodes[episodes["CHILD"] == child])
    if sw_episodes is None or not periods:
        return True
    for _, row in sw_episodes[sw_episodes["CHILD"] == child].iterrows():
        start = _day(row["SW_DECOM"])
        if start is None:
            return False
        period = [p for p in periods if p[0] <= start][-1:] or periods[:1]
        begun, ended, starts, ends = period[0]
        if any(start < s for s in starts) or any(e is not None and start > e for e in ends):
            return False
    return True


def _632_per_period(child, episodes, prev_perm) -> bool:  # type: ignore[no-untyped-def]
    """632 as the DfE words it: each previous permanence order is dated before the start of a
    period of care in the file (the one it precedes), not necessarily the first."""
    starts = [
        _day(row["DECOM"])
        for _, row in episodes[episodes["CHILD"] == child].iterrows()
        if row.get("RNE") == "S"
    ]
    starts = [s for s in starts if s is not None]
    if prev_perm is None:
        return True
    for _, row in prev_perm[prev_perm["CHILD"] == child].iterrows():
        value = row.get("DATE_PERM")
        if not isinstance(value, str) or not value.strip():
            continue
        latest = _latest_day(value)
        if latest is None or not any(latest < s for s in starts):
            return False
    return True


def _re_entrants(episodes) -> set[str]:  # type: ignore[no-untyped-def]
    """Children who left care and came back in this file: SW12STG2 cannot pass for them.

    SW12STG2 pairs every episode that starts or ends care with every social worker episode
    of the child: each must start on or after the care start (RNE S) or on or before the
    care end (REC not X1). A child who left care and later started again needs every social
    worker episode both before the end and after the new start, which none can be.
    """
    if episodes is None or len(episodes) == 0:
        return set()
    found: set[str] = set()
    for child, rows in episodes.groupby("CHILD"):
        rows = rows.assign(
            _start=rows["DECOM"].astype(str).str[-4:]
            + rows["DECOM"].astype(str).str[3:5]
            + rows["DECOM"].astype(str).str[:2]
        )
        rows = rows.sort_values("_start")
        left = False
        for _, row in rows.iterrows():
            if left and row.get("RNE") == "S":
                found.add(child)
                break
            rec = row.get("REC")
            if isinstance(rec, str) and rec and rec != "X1":
                left = True
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--year", default=os.environ.get("SSDA903_YEAR"))
    parser.add_argument("--la", default=os.environ.get("SSDA903_LA"))
    parser.add_argument("--prev", type=Path, help="last year's return, for the year-on-year rules")
    parser.add_argument("--ignore", default="", help="comma-separated rule codes not to count")
    parser.add_argument("--rules", help="comma-separated rule codes to run (default: all)")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="count SW12STG2 and 632 for children who came back into care (see " + DECISION + ")",
    )
    args = parser.parse_args(argv)
    if not args.year or not args.la:
        print("UNREADABLE: give --year (e.g. 2026) and --la (ONS code, e.g. E10000003)")
        return 2

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)  # the package logs every rule at INFO
    from lac_validator import lac_validator
    from lac_validator.config import column_names
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.types import UploadedFile

    logging.disable(logging.CRITICAL)

    def read(folder: Path, description: str) -> list[UploadedFile]:
        files = []
        present: set[str] = set()
        for path in sorted(folder.glob("*.csv")):
            content = path.read_bytes()
            header = content.decode("utf-8-sig").splitlines()[0:1]
            columns = {c.strip().upper() for c in header[0].split(",")} if header else set()
            for table, expected in column_names.items():
                if columns == set(expected):
                    present.add(table)
            files.append(
                UploadedFile(name=str(path), description=description, file_content=content)
            )
        if os.environ.get("SSDA903_NO_FILL") != "1":
            for table, expected in column_names.items():
                if table not in present and table != "DoLo":
                    empty = (",".join(expected) + "\n").encode()
                    files.append(
                        UploadedFile(
                            name=f"{table}_empty.csv", description=description, file_content=empty
                        )
                    )
        return files

    if not args.folder.is_dir():
        print(f"UNREADABLE: {args.folder} is not a folder")
        return 2
    files = read(args.folder, "This year")
    if args.prev:
        files += read(args.prev, "Prev year")

    registry = get_year_ruleset(str(args.year))
    if args.rules:
        wanted = {code.strip() for code in args.rules.split(",")}
        registry = {code: rule for code, rule in registry.items() if str(code) in wanted}
    ignored = {code.strip() for code in args.ignore.split(",") if code.strip()}
    try:
        # Some rules print() their working: keep it out of the report.
        with contextlib.redirect_stdout(io.StringIO()):
            validator = lac_validator.LacValidator(
                {"collectionYear": str(args.year), "localAuthority": args.la}, files, registry
            )
    except Exception as error:
        print(f"UNREADABLE: {type(error).__name__}: {error}")
        return 2

    episodes = validator.ds_results.get("Episodes")
    re_entrants = _re_entrants(episodes)
    # A re-entrant child's rows are set aside only if the rule, read per period of care, passes.
    set_aside = {
        "SW12STG2": {
            c
            for c in re_entrants
            if _sw12_per_period(c, episodes, validator.ds_results.get("SWEpisodes"))
        },
        "632": {
            c
            for c in re_entrants
            if _632_per_period(c, episodes, validator.ds_results.get("PrevPerm"))
        },
    }
    errors: list[str] = []
    defects: list[str] = []
    for table, frame in validator.ds_results.items():
        if table == "metadata" or not hasattr(frame, "columns"):
            continue
        for column in [c for c in frame.columns if str(c).startswith("ERR_")]:
            code = column[4:]
            if code in ignored:
                continue
            message = getattr(registry.get(code), "message", "") or ""
            for _, row in frame[frame[column] == True].iterrows():  # noqa: E712 - pandas
                child = row.get("CHILD", "?")
                if code in KNOWN_DEFECTS and child in set_aside[code] and not args.strict:
                    defects.append(
                        f"{code} {table} {child}: child came back into care; passes the rule"
                        " checked per period of care"
                    )
                    continue
                errors.append(f"{code} {table} {child}: {message}")
    crashed = [str(c) for c in validator.fails if str(c) not in ALWAYS_CRASH | ignored]
    for code in crashed:
        message = getattr(registry.get(code), "message", "") or ""
        errors.append(f"{code} (return): rule crashed, counted as an error ({message})")

    for line in errors:
        print(f"ERROR {line}")
    for line in defects:
        print(f"KNOWN DEFECT (not counted) {line}")
    print(
        f"RULES: {len(validator.dones)} run, {len(validator.skips)} skipped,"
        f" {len(validator.fails)} crashed ({len(crashed)} counted)"
    )
    if defects:
        print(
            f"KNOWN DEFECTS: {len(defects)} not counted (SW12STG2, 632 for children who came back"
            f" into care; decision: {DECISION}; --strict counts them)"
        )
    print(f"ERRORS: {len(errors)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
