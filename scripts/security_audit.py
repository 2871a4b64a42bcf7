"""pip-audit against the installed dependencies, with a reviewed allow-list (R24).

R24: "pip-audit: no known high-severity vulnerability unpatched for more than 14 days."

    .venv/bin/python scripts/security_audit.py              # audit the venv (PyPI service)
    .venv/bin/python scripts/security_audit.py --service osv
    .venv/bin/python scripts/security_audit.py --input report.json   # judge a saved report

Every finding must be in `security/pip-audit-allow.toml`, where a reviewer records the
vulnerability id, the package, the day it was first seen, its severity and the reason it is
not fixed yet. pip-audit's report carries no severity, so an unlisted finding counts as high
and fails at once: listing it is the review. A listed high or critical finding (or one whose
severity the reviewer left unknown) fails once it has been open more than 14 days; a moderate or
low one must be reviewed again within 90 days. Entries that no longer match a finding are
reported so they can be removed.

Exit codes (CI tells them apart):
  0  no finding outside the allow-list's limits
  1  a finding fails the policy (unlisted, or listed too long)
  2  the allow-list is invalid (a missing field, a bad date, a date in the future)
  3  the vulnerability service could not be reached, or some packages could not be audited:
     nothing is known about them, which is not the same as "no vulnerabilities"

pip-audit's PyPI service asks https://pypi.org/pypi/<name>/<version>/json for each package;
when that endpoint cannot be reached it reports each package as "not found on PyPI" and still
says "No known vulnerabilities found" with exit 0. This script treats that as exit 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ALLOW_LIST = ROOT / "security" / "pip-audit-allow.toml"

OK, FAIL, INVALID, UNREACHABLE = 0, 1, 2, 3
# How long a listed finding may stay unpatched, by the reviewer's severity.
HIGH_DAYS = 14  # R24
LOW_DAYS = 90  # a lower severity is not forgotten: it is reviewed again
SEVERITIES = {"critical", "high", "moderate", "low", "unknown"}
HIGH = {"critical", "high", "unknown"}
REQUIRED = ("id", "package", "first_seen", "severity", "reason")


def normalise(name: str) -> str:
    """PEP 503 name, so "Django" and "django" name one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Allowed:
    id: str
    package: str
    first_seen: dt.date
    severity: str
    reason: str

    def limit_days(self) -> int:
        return HIGH_DAYS if self.severity in HIGH else LOW_DAYS


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    aliases: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()

    def ids(self) -> set[str]:
        return {self.id, *self.aliases}


@dataclass
class Report:
    """pip-audit's answer, reduced to what the policy needs."""

    findings: list[Finding] = field(default_factory=list)
    audited: int = 0
    unaudited: dict[str, str] = field(default_factory=dict)  # package -> pip-audit's reason
    error: str | None = None  # pip-audit itself failed (e.g. the service did not answer)


@dataclass
class Verdict:
    code: int
    lines: list[str]


class AllowListError(ValueError):
    pass


def load_allow_list(text: str, *, today: dt.date) -> list[Allowed]:
    """Parse and check the allow-list; every problem is reported at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AllowListError(f"the allow-list is not valid TOML: {exc}") from exc
    entries = data.get("vulnerability", [])
    if not isinstance(entries, list):
        raise AllowListError("write each entry as a [[vulnerability]] table")
    allowed, problems = [], []
    for n, entry in enumerate(entries, start=1):
        where = f"entry {n} ({entry.get('id', 'no id')})"
        missing = [k for k in REQUIRED if not str(entry.get(k, "")).strip()]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        first_seen = entry["first_seen"]
        if isinstance(first_seen, str):
            try:
                first_seen = dt.date.fromisoformat(first_seen)
            except ValueError:
                problems.append(f"{where}: first_seen must be a date like 2026-11-22")
                continue
        if isinstance(first_seen, dt.datetime) or not isinstance(first_seen, dt.date):
            problems.append(f"{where}: first_seen must be a date like 2026-11-22")
            continue
        if first_seen > today:
            problems.append(f"{where}: first_seen {first_seen} is in the future")
            continue
        severity = str(entry["severity"]).lower()
        if severity not in SEVERITIES:
            problems.append(f"{where}: severity must be one of {', '.join(sorted(SEVERITIES))}")
            continue
        allowed.append(
            Allowed(
                id=str(entry["id"]).strip(),
                package=normalise(str(entry["package"])),
                first_seen=first_seen,
                severity=severity,
                reason=str(entry["reason"]).strip(),
            )
        )
    if problems:
        raise AllowListError("; ".join(problems))
    return allowed


def parse_report(data: dict[str, Any]) -> Report:
    """Read pip-audit's JSON (`--format json`)."""
    report = Report()
    for dep in data.get("dependencies", []):
        name = normalise(dep.get("name", "?"))
        if "skip_reason" in dep:
            report.unaudited[name] = dep["skip_reason"]
            continue
        report.audited += 1
        for vuln in dep.get("vulns", []):
            report.findings.append(
                Finding(
                    package=name,
                    version=dep.get("version", "?"),
                    id=vuln["id"],
                    aliases=tuple(vuln.get("aliases", [])),
                    fix_versions=tuple(vuln.get("fix_versions", [])),
                )
            )
    return report


def judge(report: Report, allowed: list[Allowed], *, today: dt.date) -> Verdict:
    """Apply the policy: which findings fail, and whether the audit can be trusted at all."""
    lines: list[str] = []
    if report.error is not None:
        return Verdict(
            UNREACHABLE,
            [
                "UNREACHABLE: pip-audit could not ask the vulnerability service, so nothing is "
                f"known about the dependencies. {report.error}"
            ],
        )
    if report.unaudited and report.audited == 0:
        sample = next(iter(report.unaudited.values()))
        return Verdict(
            UNREACHABLE,
            [
                f"UNREACHABLE: none of the {len(report.unaudited)} packages could be audited: "
                "the vulnerability service did not answer for any of them (for PyPI, the "
                "https://pypi.org/pypi/<name>/<version>/json endpoint). pip-audit reports this "
                f'as "not found on PyPI", for example: {sample}'
            ],
        )
    code = OK
    used: set[Allowed] = set()
    for finding in report.findings:
        entry = next(
            (a for a in allowed if a.package == finding.package and a.id in finding.ids()),
            None,
        )
        fix = ", ".join(finding.fix_versions) or "no fixed version yet"
        what = f"{finding.package} {finding.version} {finding.id} (fixed in {fix})"
        if entry is None:
            code = FAIL
            lines.append(
                f"FAIL {what}: not in the allow-list. Upgrade, or add a reviewed entry to "
                f"{ALLOW_LIST.relative_to(ROOT)} (an unlisted finding counts as high severity)"
            )
            continue
        used.add(entry)
        age = (today - entry.first_seen).days
        limit = entry.limit_days()
        if age > limit:
            code = FAIL
            lines.append(
                f"FAIL {what}: {entry.severity}, first seen {entry.first_seen}, unpatched for "
                f"{age} days (the limit is {limit}). Reason given: {entry.reason}"
            )
        else:
            lines.append(
                f"allowed {what}: {entry.severity}, {age} of {limit} days used. {entry.reason}"
            )
    for entry in allowed:
        if entry not in used:
            lines.append(
                f"note: allow-list entry {entry.id} for {entry.package} matches no finding "
                "now: remove it"
            )
    if report.unaudited:
        if code == OK:  # a failing finding says more than the packages not audited
            code = UNREACHABLE
        names = ", ".join(sorted(report.unaudited))
        lines.append(
            f"UNAUDITED: {len(report.unaudited)} of {report.audited + len(report.unaudited)} "
            f"packages could not be audited: {names}"
        )
    lines.append(
        f"{report.audited} packages audited, {len(report.findings)} finding(s), "
        f"{len(report.unaudited)} not audited"
    )
    return Verdict(code, lines)


def run_pip_audit(service: str, timeout: int) -> Report:
    """Run pip-audit on this interpreter's environment and read its JSON."""
    cmd = [
        sys.executable,
        "-m",
        "pip_audit",
        "--local",
        "--skip-editable",  # the project itself, installed in development mode
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--aliases",
        "on",
        "--vulnerability-service",
        service,
        "--timeout",
        str(timeout),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    # pip-audit exits 1 when it finds vulnerabilities; its JSON is on stdout either way.
    try:
        return parse_report(json.loads(done.stdout))
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Report(error=f"pip-audit exited {done.returncode}: {last[:400]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument("--allow-list", type=Path, default=ALLOW_LIST)
    parser.add_argument("--input", type=Path, help="judge a saved `pip-audit -f json` report")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--timeout", type=int, default=15)
    args = parser.parse_args(argv)
    today = args.today or dt.datetime.now(dt.UTC).date()
    try:
        allowed = load_allow_list(args.allow_list.read_text(encoding="utf-8"), today=today)
    except (OSError, AllowListError) as exc:
        print(f"INVALID allow-list {args.allow_list}: {exc}")
        return INVALID
    if args.input:
        report = parse_report(json.loads(args.input.read_text(encoding="utf-8")))
    else:
        report = run_pip_audit(args.service, args.timeout)
    verdict = judge(report, allowed, today=today)
    print("\n".join(verdict.lines))
    return verdict.code


if __name__ == "__main__":
    sys.exit(main())
