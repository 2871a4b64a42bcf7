"""Print one summary of every half of `make test`, from the JUnit files each half wrote.

The last line has the plain shape "Total: N passed, N failed, N skipped" so people and CI read
the whole run at a glance. A half that was skipped (no PostgreSQL or Chromium, outside CI) left
a `<half>.skipped` file holding the reason, and is listed as such. Exits 1 when any test failed
or when no test ran at all.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest output, not untrusted input
from pathlib import Path

HALVES = [("sqlite", "SQLite"), ("postgres", "PostgreSQL"), ("browser", "Browser (Chromium)")]


def counts(junit: Path) -> tuple[int, int, int, float]:
    """(passed, failed, skipped, seconds) across every <testsuite> in a JUnit file."""
    root = ET.parse(junit).getroot()  # noqa: S314 - see the import
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    passed = failed = skipped = 0
    seconds = 0.0
    for suite in suites:
        tests = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0))
        passed += tests - bad - skip
        failed += bad
        skipped += skip
        seconds += float(suite.get("time", 0))
    return passed, failed, skipped, seconds


def main(results: Path) -> int:
    total_passed = total_failed = total_skipped = 0
    print()
    print("== Summary ==")
    for key, label in HALVES:
        junit = results / f"{key}.xml"
        skipped_note = results / f"{key}.skipped"
        if junit.exists():
            passed, failed, skipped, seconds = counts(junit)
            total_passed += passed
            total_failed += failed
            total_skipped += skipped
            print(
                f"{label:<20} {passed:>5} passed, {failed} failed, {skipped} skipped in {seconds:.0f}s"
            )
        elif skipped_note.exists():
            print(f"{label:<20} SKIPPED: {skipped_note.read_text(encoding='utf-8').strip()}")
        else:
            print(f"{label:<20} did not run")
    print(f"Total: {total_passed} passed, {total_failed} failed, {total_skipped} skipped")
    return 1 if total_failed or not total_passed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/test-results")))
