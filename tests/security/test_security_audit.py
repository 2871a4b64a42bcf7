"""scripts/security_audit.py: the pip-audit allow-list policy (R24), without the network."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("security_audit", ROOT / "scripts/security_audit.py")
sa = importlib.util.module_from_spec(_spec)
sys.modules["security_audit"] = sa  # dataclasses look their module up while the class is made
_spec.loader.exec_module(sa)

TODAY = dt.date(2026, 11, 22)


def report(*deps):
    return {"dependencies": list(deps), "fixes": []}


def dep(name, version="1.0", *vulns):
    return {"name": name, "version": version, "vulns": list(vulns)}


def vuln(id_, *aliases, fix=("1.1",)):
    return {"id": id_, "fix_versions": list(fix), "aliases": list(aliases), "description": ""}


def entry(id_="PYSEC-2026-1", package="Django", first_seen="2026-11-20", severity="high"):
    return (
        "[[vulnerability]]\n"
        f'id = "{id_}"\npackage = "{package}"\nfirst_seen = {first_seen}\n'
        f'severity = "{severity}"\nreason = "Upgrade is in review."\n'
    )


def verdict(data, allow_text="", today=TODAY):
    allowed = sa.load_allow_list(allow_text, today=today)
    return sa.judge(sa.parse_report(data), allowed, today=today)


VULNERABLE = report(dep("django", "5.2.1", vuln("PYSEC-2026-1", "CVE-2026-0001")), dep("six"))


def test_a_clean_audit_passes():
    result = verdict(report(dep("django"), dep("six")))
    assert result.code == sa.OK
    assert result.lines[-1] == "2 packages audited, 0 finding(s), 0 not audited"


def test_an_unlisted_finding_fails_at_once():
    result = verdict(VULNERABLE)
    assert result.code == sa.FAIL
    assert "FAIL django 5.2.1 PYSEC-2026-1 (fixed in 1.1): not in the allow-list" in result.lines[0]


def test_a_listed_high_finding_passes_for_14_days_then_fails():
    allow = entry(first_seen="2026-11-08")  # 14 days before TODAY
    assert verdict(VULNERABLE, allow).code == sa.OK
    later = verdict(VULNERABLE, allow, today=TODAY + dt.timedelta(days=1))
    assert later.code == sa.FAIL
    assert "unpatched for 15 days (the limit is 14)" in later.lines[0]


@pytest.mark.parametrize("severity", ["critical", "unknown"])
def test_critical_and_unknown_severities_have_the_high_limit(severity):
    allow = entry(first_seen="2026-11-01", severity=severity)
    assert verdict(VULNERABLE, allow).code == sa.FAIL


def test_a_moderate_finding_is_reviewed_again_after_90_days():
    allow = entry(first_seen="2026-10-01", severity="moderate")  # 52 days
    assert verdict(VULNERABLE, allow).code == sa.OK
    allow = entry(first_seen="2026-08-23", severity="low")  # 91 days
    assert verdict(VULNERABLE, allow).code == sa.FAIL


def test_an_entry_may_name_an_alias_and_any_spelling_of_the_package():
    assert verdict(VULNERABLE, entry(id_="CVE-2026-0001", package="DJANGO")).code == sa.OK


def test_an_entry_for_another_package_does_not_cover_the_finding():
    assert verdict(VULNERABLE, entry(package="flask")).code == sa.FAIL


def test_an_entry_matching_nothing_is_reported_for_removal():
    result = verdict(report(dep("django")), entry())
    assert result.code == sa.OK
    assert any("matches no finding now: remove it" in line for line in result.lines)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (entry().replace('reason = "Upgrade is in review."\n', ""), "missing reason"),
        (entry(first_seen='"22/11/2026"'), "first_seen must be a date"),
        (entry(first_seen="2026-11-23"), "is in the future"),
        (entry(severity="severe"), "severity must be one of"),
        ("[[vulnerability]\n", "not valid TOML"),
    ],
)
def test_an_invalid_allow_list_is_refused(text, problem):
    with pytest.raises(sa.AllowListError, match=problem):
        sa.load_allow_list(text, today=TODAY)


def test_an_unreachable_service_is_not_a_clean_audit():
    # What pip-audit's PyPI service says when /pypi/<name>/<version>/json cannot be reached.
    skipped = [
        {"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"}
        for n in ["django", "six"]
    ]
    result = verdict(report(*skipped))
    assert result.code == sa.UNREACHABLE
    assert result.lines[0].startswith("UNREACHABLE: none of the 2 packages could be audited")


def test_packages_not_audited_are_named_and_a_failure_still_wins():
    skipped = {"name": "six", "skip_reason": "Dependency not found on PyPI"}
    partial = verdict(report(dep("django"), skipped))
    assert partial.code == sa.UNREACHABLE
    assert "1 of 2 packages could not be audited: six" in partial.lines[-2]
    failing = verdict(report(dep("django", "5.2.1", vuln("PYSEC-2026-1")), skipped))
    assert failing.code == sa.FAIL


def test_pip_audit_failing_to_connect_exits_unreachable(monkeypatch):
    def fake_run(cmd, **kwargs):
        assert "--local" in cmd and "osv" in cmd
        return subprocess.CompletedProcess(
            cmd, 1, stdout="", stderr="Traceback …\nrequests.exceptions.ConnectionError: osv\n"
        )

    monkeypatch.setattr(sa.subprocess, "run", fake_run)
    result = sa.judge(sa.run_pip_audit("osv", 5), [], today=TODAY)
    assert result.code == sa.UNREACHABLE
    assert "ConnectionError: osv" in result.lines[0]


def test_main_judges_a_saved_report_with_the_allow_list(tmp_path, capsys):
    saved = tmp_path / "audit.json"
    saved.write_text(json.dumps(VULNERABLE))
    allow = tmp_path / "allow.toml"
    allow.write_text(entry(first_seen="2026-11-01"))
    args = ["--input", str(saved), "--allow-list", str(allow)]
    assert sa.main([*args, "--today", "2026-11-10"]) == sa.OK
    assert sa.main([*args, "--today", "2026-11-20"]) == sa.FAIL
    allow.write_text(entry(severity="nope"))
    assert sa.main([*args, "--today", "2026-11-20"]) == sa.INVALID
    assert "INVALID allow-list" in capsys.readouterr().out


def test_the_projects_allow_list_is_valid():
    sa.load_allow_list(
        sa.ALLOW_LIST.read_text(encoding="utf-8"), today=dt.datetime.now(dt.UTC).date()
    )
