"""Check a CIN census XML file with the DfE's csc-validator-be-cin, in a form CI can use.

Run it with .venv-validators/bin/python (Python 3.11, pandas 1.x; see setup.sh), never in the
Django process: the validator needs libraries Django's environment does not have.

    .venv-validators/bin/python scripts/validators/run_cin.py FILE.xml [--year 2026] [--rules 8650,8866] [--raw]

Prints one line per issue (errors, then queries), then `QUERIES: n` and `ERRORS: n`.
Exit status: 0 when there are no errors, 1 when there are, 2 when the file cannot be read.

What this adds to the package (STATUTORY-RETURNS.md section 7):
- A rule that throws counts as an error. The package prints the exception and counts the rule
  as passed, which would let a broken file through.
- The package's ingress keeps only the first <CPPreviewDate> of a <Reviews> block, though the DfE
  schema puts all of a plan's review dates in one block: each date is given its own block here.
- A default xmlns on the file is removed (the package finds no elements otherwise).
- Queries (rule codes ending in Q) are printed but not counted: they ask a person to check.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path


def _strip_namespace(root: ET.Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.split("}", 1)[1]


def _split_reviews(root: ET.Element) -> None:
    """Give each CPPreviewDate its own <Reviews> block, which is all the package reads."""
    for plan in root.iter("ChildProtectionPlans"):
        for reviews in plan.findall("Reviews"):
            dates = reviews.findall("CPPreviewDate")
            if len(dates) <= 1:
                continue
            position = list(plan).index(reviews)
            plan.remove(reviews)
            for offset, date in enumerate(dates):
                block = ET.Element("Reviews")
                block.append(date)
                plan.insert(position + offset, block)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--year", help="collection year ending 31 March, e.g. 2026 (default: <Year>)"
    )
    parser.add_argument("--rules", help="comma-separated rule codes to run (default: all)")
    parser.add_argument("--raw", action="store_true", help="no review or namespace fixes")
    args = parser.parse_args(argv)

    try:
        root = ET.parse(args.file).getroot()  # noqa: S314 - our own export, not untrusted input
    except (OSError, ET.ParseError) as error:
        print(f"UNREADABLE: {args.file}: {error}")
        return 2
    if not args.raw:
        _strip_namespace(root)
        _split_reviews(root)
    year = args.year or (root.findtext("Header/CollectionDetails/Year") or "").strip()
    if not year.isdigit():
        print("UNREADABLE: no --year and no <Year> in the file's header")
        return 2

    warnings.simplefilter("ignore")  # pandas deprecation noise from the rules
    from cin_validator import cin_validator
    from cin_validator.rule_engine import RuleType
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    registry = get_year_ruleset(year)
    crashes: dict[str, str] = {}

    def guarded(rule):  # type: ignore[no-untyped-def]
        def run(data, ctx):  # type: ignore[no-untyped-def]
            try:
                return rule.func(data, ctx)
            except Exception as error:  # the package would swallow it: we count it
                crashes[str(rule.code)] = f"{type(error).__name__}: {error}"
                raise

        return dataclasses.replace(rule, func=run)

    selected = {code.strip() for code in args.rules.split(",")} if args.rules else None
    rules = {
        code: guarded(rule)
        for code, rule in registry.items()
        if selected is None or str(code) in selected
    }
    try:
        raw = cin_validator.convert_data(root)
        # The package prints "Error with rule ..." for each crash; we report crashes ourselves.
        with contextlib.redirect_stdout(io.StringIO()):
            validator = cin_validator.CinValidator(cin_validator.process_data(raw), rules)
    except Exception as error:
        print(
            f"UNREADABLE: the validator could not read {args.file}: {type(error).__name__}: {error}"
        )
        return 2

    issues: list[tuple[str, str, str]] = []  # (rule code, child, message)
    for row in validator.full_issue_df.itertuples(index=False):
        code = str(row.rule_code)
        issues.append((code, str(row.child_id), str(row.rule_description)))
    for row in validator.multichild_issues.itertuples(index=False):
        issues.append((str(row.rule_code), "(return)", str(row.rule_description)))

    seen: set[tuple[str, str]] = set()
    errors: list[str] = []
    queries: list[str] = []
    for code, child, message in issues:
        if (code, child) in seen:
            continue
        seen.add((code, child))
        rule = registry.get(code)
        is_query = rule is not None and rule.rule_type == RuleType.QUERY
        line = f"{code} {child}: {message}"
        (queries if is_query else errors).append(line)
    for code, detail in sorted(crashes.items()):
        errors.append(f"{code} (return): rule crashed, counted as an error: {detail}")

    for line in errors:
        print(f"ERROR {line}")
    for line in queries:
        print(f"QUERY {line}")
    print(f"RULES: {len(rules)} run, {len(crashes)} crashed")
    print(f"QUERIES: {len(queries)}")
    print(f"ERRORS: {len(errors)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
