"""R22 backup and restore drills: twelve variants, each timed (RTO) and checked, in one table.

    .venv/bin/python bench/durability/drills.py                 # all twelve
    .venv/bin/python bench/durability/drills.py --only 1 3 12   # some of them

A throwaway source cluster under var/drills/ (own port; never the machine's server) with
WAL archiving through ops/backup/archive_wal.sh and archive_timeout=60s, holding a seeded
demo county from a snapshot of the committed code. Writes during the drills go through the
Workbook's own service (record_entry: entry, statutory visits, audit events). Every restore
goes through ops/backup/restore.sh into a new cluster on another port, and is checked with
ops/backup/checksums.py (row counts and per-table MD5 against the source at the same
moment), `manage.py verify_audit` (the hash chain) and ops/backup/smoke.py (pages render).
RTO is the wall time from starting the restore to the checks passing; RPO (drill 12) is
the span of acknowledged writes lost when the host is lost with its WAL directory.

Figures go to bench/results/durability_drills.json (appended).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ops" / "backup"))

from app import PYTHON, app_env, build_county, in_process, manage, snapshot  # noqa: E402
from checksums import differences, table_sums  # noqa: E402
from cluster import DRILLS, OPS, ROOT, Cluster, chown_to_pg, pg_available, run  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "durability_drills.json"
LAB = DRILLS / "r22"


class Lab:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.app = snapshot(args.source)
        self.archive = LAB / "wal-archive"
        self.source = Cluster(LAB / "source", args.port, archive=self.archive)
        self.backups = LAB / "base"
        self.offhost = LAB / "offhost"
        self.gnupg = LAB / "gnupg"
        self.wrong_gnupg = LAB / "gnupg-wrong"
        self.restores = 0
        self.first_backup: Path | None = None

    # --- set-up ------------------------------------------------------------------------
    def setup(self) -> None:
        shutil.rmtree(LAB, ignore_errors=True)
        LAB.mkdir(parents=True)
        chown_to_pg(LAB)
        self.source.create()
        self.source.start()
        self.url = build_county(self.source, self.app, families=self.args.families)
        in_process(self.app, self.url)
        for home in (self.gnupg, self.wrong_gnupg):
            home.mkdir(mode=0o700)
            run(["gpg", "--homedir", str(home), "--batch", "--passphrase", "",
                 "--quick-gen-key", f"FWB drill backup <{home.name}@drill.invalid>",
                 "default", "default", "never"])  # fmt: skip
        from crash import prepare_writers

        self.writers = prepare_writers(5)
        self.first_backup = self.base_backup()

    def env(self, gnupg: Path | None = None) -> dict[str, str]:
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(self.args.port), PGUSER="postgres")
        env["GNUPGHOME"] = str(gnupg or self.gnupg)
        env["FWB_BACKUP_RECIPIENT"] = "gnupg@drill.invalid"
        return env

    def base_backup(self) -> Path:
        out = run([str(OPS / "base_backup.sh"), str(self.backups)], env=self.env())
        return Path(out.stdout.strip().splitlines()[-1])

    # --- writing and pausing ---------------------------------------------------------------
    def write_entry(self, tag: str, writer: int = 0) -> int:
        from django.db import close_old_connections
        from verify import marker_text

        from familyworkbook.people.models import Family
        from familyworkbook.teams.models import User
        from familyworkbook.workbook.services.entries import record_entry

        close_old_connections()
        w = self.writers[writer]
        entry = record_entry(
            family=Family.objects.get(pk=w.family_id),
            by=User.objects.get(username=w.username),
            happened_on=dt.date.today(),  # noqa: DTZ011 - the drill's own calendar date
            kind="home_visit",
            what_happened=marker_text(tag),
            meaning_for_child="Drill.",
            what_happens_next="Drill.",
        )
        return entry.pk

    def quiesce(self) -> None:
        """Everything written so far is in the archive (as archive_timeout would make it)."""
        from django.db import connections

        connections.close_all()
        segment = self.source.psql("SELECT pg_walfile_name(pg_switch_wal())")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if (self.archive / segment).exists():
                return
            time.sleep(0.2)
        raise RuntimeError(f"segment {segment} was not archived within 120 s")

    # --- restoring and checking -----------------------------------------------------------------
    def restore(self, base: Path, wal: Path, *options: str, gnupg: Path | None = None) -> Cluster:
        self.restores += 1
        port = self.args.port + self.restores
        home = LAB / f"restore-{self.restores}"
        home.mkdir()
        (home / "sock").mkdir()
        target = Cluster(home, port)
        run([str(OPS / "restore.sh"), str(base), str(wal), str(target.data), "--port", str(port),
             *options], env=self.env(gnupg))  # fmt: skip
        with (target.data / "postgresql.auto.conf").open("a") as f:
            f.write(f"unix_socket_directories = '{target.sock}'\n")
        chown_to_pg(home)
        target.start(timeout=600)
        deadline = time.monotonic() + 600
        while target.psql("SELECT pg_is_in_recovery()") != "f":
            if time.monotonic() > deadline:
                raise RuntimeError("recovery did not finish within 10 minutes")
            time.sleep(0.2)
        return target

    def checks(self, restored: Cluster, expected: dict | None) -> list[str]:
        problems = []
        url = restored.url("familyworkbook")
        if expected is not None:
            problems += differences(expected, table_sums(url))
        try:
            chain = manage(self.app, url, "verify_audit").strip().splitlines()[-1]
            if "intact" not in chain:
                problems.append(f"verify_audit: {chain}")
        except RuntimeError as exc:
            problems.append(f"verify_audit failed: {str(exc)[-300:]}")
        smoke = subprocess.run(  # noqa: S603
            [str(PYTHON), str(OPS / "smoke.py")],
            cwd=self.app, env=app_env(self.app, url), capture_output=True, text=True,
        )  # fmt: skip
        if smoke.returncode != 0:
            problems.append(f"smoke: {(smoke.stdout + smoke.stderr)[-300:]}")
        return problems

    def sums(self) -> dict:
        return table_sums(self.url)

    def entry_exists(self, cluster: Cluster, entry_id: int) -> bool:
        return (
            cluster.psql(
                f"SELECT count(*) FROM workbook_entry WHERE id = {int(entry_id)}",  # noqa: S608 - an int
                "familyworkbook",
            )
            == "1"
        )


# --- the twelve drills: each returns (passed, notes, rto seconds or None, rpo seconds or None) ----
Result = tuple[bool, str, float | None, float | None]


def timed_restore(lab: Lab, base: Path, wal: Path, expected: dict | None, *options: str,
                  gnupg: Path | None = None) -> tuple[Cluster, list[str], float]:  # fmt: skip
    t0 = time.monotonic()
    restored = lab.restore(base, wal, *options, gnupg=gnupg)
    problems = lab.checks(restored, expected)
    return restored, problems, time.monotonic() - t0


def d1_latest_local(lab: Lab) -> Result:
    lab.write_entry("d1-after-backup")
    base = lab.base_backup()
    lab.write_entry("d1-after-latest-backup")
    lab.quiesce()
    expected = lab.sums()
    restored, problems, rto = timed_restore(lab, base, lab.archive, expected)
    restored.destroy()
    rows = sum(t["rows"] for t in expected.values())
    return (
        not problems,
        f"{len(expected)} tables, {rows:,} rows match; " + "; ".join(problems[:3]),
        rto,
        None,
    )


def d2_offhost_encrypted(lab: Lab) -> Result:
    base = sorted(lab.backups.iterdir())[-1]
    run(
        [str(OPS / "offhost_copy.sh"), str(base), str(lab.archive), str(lab.offhost)], env=lab.env()
    )
    sums_ok = run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=lab.offhost, check=False)
    expected = lab.sums()
    copy = lab.offhost / "base" / f"{base.name}.tar.gz.gpg"
    restored, problems, rto = timed_restore(lab, copy, lab.offhost / "wal", expected)
    restored.destroy()
    if sums_ok.returncode:
        problems.append("SHA256SUMS do not match")
    plain = run(["grep", "-c", "familyworkbook", str(copy)], check=False).stdout.strip()
    return (not problems, f"gpg AES-256 copy, SHA256SUMS ok, plaintext grep hits {plain}; "
            + "; ".join(problems[:3]), rto, None)  # fmt: skip


def d3_pitr_bad_delete(lab: Lab) -> Result:
    victim = lab.writers[1].family_id
    for i in range(3):
        lab.write_entry(f"d3-victim-{i}", writer=1)
    good = lab.write_entry("d3-good-before-delete")
    time.sleep(1.5)
    target = lab.source.psql("SELECT clock_timestamp()")
    time.sleep(1.5)
    from familyworkbook.workbook.models import Entry

    before = Entry.objects.filter(family_id=victim).count()
    # The bad delete: someone at a psql prompt (records are archived, never deleted, through
    # the app), foreign-key triggers off so the DELETE goes through as a careless one would.
    bad_delete = f"DELETE FROM workbook_entry WHERE family_id = {int(victim)}"  # noqa: S608
    lab.source.psql(f"SET session_replication_role = replica; {bad_delete}", "familyworkbook")
    after_delete = lab.write_entry("d3-after-delete")
    lab.quiesce()
    t0 = time.monotonic()
    restored = lab.restore(lab.backups / sorted(p.name for p in lab.backups.iterdir())[-1], lab.archive,
                           "--target-time", target)  # fmt: skip
    back = int(restored.psql(f"SELECT count(*) FROM workbook_entry WHERE family_id = {victim}",  # noqa: S608
                             "familyworkbook"))  # fmt: skip
    problems = lab.checks(restored, None)
    rto = time.monotonic() - t0
    if back != before:
        problems.append(f"family {victim} has {back} entries, expected {before}")
    if not lab.entry_exists(restored, good):
        problems.append("the good write before the delete is missing")
    if lab.entry_exists(restored, after_delete):
        problems.append("a write after the target time is present")
    restored.destroy()
    return (not problems, f"family {victim}: {before} entries deleted, {back} back; good write "
            f"kept, later write absent; " + "; ".join(problems[:3]), rto, None)  # fmt: skip


def d4_restore_point(lab: Lab) -> Result:
    lab.quiesce()
    expected = lab.sums()
    lab.source.psql("SELECT pg_create_restore_point('drill-before-release')")
    later = lab.write_entry("d4-after-restore-point")
    lab.quiesce()
    base = sorted(lab.backups.iterdir())[-1]
    restored, problems, rto = timed_restore(lab, base, lab.archive, expected,
                                            "--target-name", "drill-before-release")  # fmt: skip
    if lab.entry_exists(restored, later):
        problems.append("the write after the restore point is present")
    restored.destroy()
    return not problems, "state at the named restore point; " + "; ".join(problems[:3]), rto, None


def d5_older_base(lab: Lab) -> Result:
    lab.quiesce()
    expected = lab.sums()
    restored, problems, rto = timed_restore(lab, lab.first_backup, lab.archive, expected)
    segments = len([p for p in lab.archive.iterdir() if len(p.name) == 24])
    restored.destroy()
    return (not problems, f"first base backup + {segments} archived segments; "
            + "; ".join(problems[:3]), rto, None)  # fmt: skip


def d6_backup_under_load(lab: Lab) -> Result:
    stop = threading.Event()
    written = []

    def load() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            written.append(lab.write_entry(f"d6-load-{n}", writer=2))
        from django.db import connection

        connection.close()

    t = threading.Thread(target=load)
    t.start()
    time.sleep(2)
    base = lab.base_backup()
    time.sleep(2)
    stop.set()
    t.join()
    lab.quiesce()
    expected = lab.sums()
    restored, problems, rto = timed_restore(lab, base, lab.archive, expected)
    restored.destroy()
    return (not problems, f"{len(written)} entries written during the backup; "
            + "; ".join(problems[:3]), rto, None)  # fmt: skip


def d7_audit_offhost(lab: Lab) -> Result:
    copy = LAB / "audit-copy.jsonl"
    manage(lab.app, lab.url, "export_audit", "--since", "2000-01-01", "--output", str(copy))
    intact = manage(lab.app, lab.url, "verify_audit", "--file", str(copy)).strip().splitlines()[-1]
    lines = copy.read_text().splitlines()
    edited = LAB / "audit-copy-edited.jsonl"
    record = json.loads(lines[-1])
    doc = record["document"]
    if isinstance(doc, dict):
        doc["verb"] = "viewed" if doc.get("verb") != "viewed" else "created"
    else:
        record["document"] = doc.replace("created", "viewed", 1) if "created" in doc else doc + " "
    tampered = [*lines[:-1], json.dumps(record, sort_keys=True)]
    edited.write_text("\n".join(tampered) + "\n")
    try:
        out = manage(lab.app, lab.url, "verify_audit", "--file", str(edited))
        caught = "intact" not in out.strip().splitlines()[-1]
    except RuntimeError:
        caught = True
    ok = "intact" in intact and caught
    return (
        ok,
        f"export of {len(lines) - 1} events: {intact}; an edited event caught: {caught}",
        None,
        None,
    )


def d8_tampered_copy(lab: Lab) -> Result:
    copy = next((lab.offhost / "base").glob("*.gpg"))
    bad = LAB / "tampered.tar.gz.gpg"
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    out = subprocess.run(["gpg", "--batch", "--decrypt", "--output", "/dev/null", str(bad)],  # noqa: S603, S607
                         env=lab.env(), capture_output=True, text=True)  # fmt: skip
    refused = out.returncode != 0
    return (
        refused,
        f"gpg exit {out.returncode}: {out.stderr.strip().splitlines()[-1][:120] if out.stderr else ''}",
        None,
        None,
    )


def d9_wrong_key(lab: Lab) -> Result:
    copy = next((lab.offhost / "base").glob("*.gpg"))
    out = subprocess.run(["gpg", "--batch", "--decrypt", "--output", "/dev/null", str(copy)],  # noqa: S603, S607
                         env=lab.env(lab.wrong_gnupg), capture_output=True, text=True)  # fmt: skip
    return (
        out.returncode != 0,
        f"gpg exit {out.returncode} without the backup private key",
        None,
        None,
    )


def d10_verifybackup(lab: Lab) -> Result:
    base = sorted(lab.backups.iterdir())[-1]
    damaged = LAB / "damaged-base"
    shutil.copytree(base, damaged)
    victim = max(
        (p for p in (damaged / "base").rglob("*") if p.is_file()), key=lambda p: p.stat().st_size
    )
    with victim.open("r+b") as f:
        f.seek(victim.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))
    out = run(["/usr/lib/postgresql/15/bin/pg_verifybackup", str(damaged)], check=False)
    shutil.rmtree(damaged)
    return (out.returncode != 0,
            f"pg_verifybackup exit {out.returncode}: {out.stderr.strip()[:120]}", None, None)  # fmt: skip


def d11_wal_gap(lab: Lab) -> Result:
    lab.write_entry("d11-a")
    lab.quiesce()
    base = sorted(lab.backups.iterdir())[-1]
    lab.write_entry("d11-b")
    lab.quiesce()
    lab.write_entry("d11-c")
    lab.quiesce()
    expected = lab.sums()
    start = (base / "backup_label").read_text().split("file ")[1].split(")")[0]
    segments = sorted(p.name for p in lab.archive.iterdir() if len(p.name) == 24 and p.name > start)
    gap = LAB / "wal-gap"
    shutil.copytree(lab.archive, gap)
    (gap / segments[len(segments) // 2]).unlink()
    chown_to_pg(gap)
    restored, problems, rto = timed_restore(lab, base, gap, expected)
    restored.destroy()
    shutil.rmtree(gap)
    detected = any("rows" in p or "only in" in p for p in problems)
    return (
        detected,
        f"segment {segments[len(segments) // 2]} removed: checks found {len(problems)} differences",
        rto,
        None,
    )


def d12_host_loss(lab: Lab) -> Result:
    acks: list[tuple[float, int]] = []
    stop = threading.Event()

    def heartbeat() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                entry = lab.write_entry(f"d12-{n}", writer=3)
            except Exception:  # noqa: BLE001 - the server is gone: not acknowledged
                break
            acks.append((time.time(), entry))
            time.sleep(1)

    lab.quiesce()
    t = threading.Thread(target=heartbeat)
    t.start()
    time.sleep(lab.args.host_loss_after)
    crashed_at = time.time()
    lab.source.kill9(whole_server=True)
    stop.set()
    t.join()
    base = sorted(lab.backups.iterdir())[-1]
    shutil.rmtree(lab.source.data)  # the host is gone, with pg_wal: only backups remain
    restored, problems, rto = timed_restore(lab, base, lab.archive, None)
    present = {int(x) for x in restored.psql(
        "SELECT id FROM workbook_entry WHERE what_happened LIKE 'Durability-drill d12-%'",
        "familyworkbook").split()}  # fmt: skip
    restored.destroy()
    kept = [at for at, entry in acks if entry in present]
    lost = [at for at, entry in acks if entry not in present]
    last_kept = max(kept) if kept else acks[0][0]
    rpo = (max(at for at, _ in acks) - last_kept) if lost else 0.0
    if any(at < last_kept for at in lost):
        problems.append("a write older than the last restored one is missing")
    ok = not problems and rpo <= 300
    return (ok, f"{len(acks)} writes at 1/s for {crashed_at - acks[0][0]:.0f} s, {len(lost)} lost "
            f"with the host (newer than the last archived segment); " + "; ".join(problems[:3]),
            rto, rpo)  # fmt: skip


DRILLS_LIST: list[tuple[str, Callable[[Lab], Result]]] = [
    ("Restore the latest base backup + WAL archive", d1_latest_local),
    ("Restore from the encrypted off-host copy", d2_offhost_encrypted),
    ("PITR to just before a bad delete", d3_pitr_bad_delete),
    ("PITR to a named restore point", d4_restore_point),
    ("Restore an older base backup + longer WAL", d5_older_base),
    ("Base backup taken under write load", d6_backup_under_load),
    ("Audit off-host copy verifies; an edit is caught", d7_audit_offhost),
    ("A tampered off-host copy is refused", d8_tampered_copy),
    ("The wrong key cannot read the copy", d9_wrong_key),
    ("pg_verifybackup catches a damaged backup", d10_verifybackup),
    ("A gap in the WAL archive is detected", d11_wal_gap),
    ("Host lost with pg_wal: RPO from the archive", d12_host_loss),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", type=int, nargs="*", help="drill numbers to run (1-12)")
    parser.add_argument("--families", type=int, default=100)
    parser.add_argument("--port", type=int, default=55450)
    parser.add_argument("--host-loss-after", type=float, default=150.0,
                        help="seconds of writes before the host is lost (drill 12)")  # fmt: skip
    parser.add_argument("--source", default="HEAD")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--lab", default="r22", help="the folder under var/drills/ to work in")
    args = parser.parse_args()
    global LAB  # noqa: PLW0603 - one lab per run, named on the command line
    LAB = DRILLS / args.lab
    reason = pg_available()
    if reason:
        print(f"SKIPPED: {reason}")
        return 0
    if shutil.which("gpg") is None:
        print("SKIPPED: gpg is not installed")
        return 0
    chosen = set(args.only or range(1, 13))
    lab = Lab(args)
    started = time.monotonic()
    print(f"setting up the source cluster (code {lab.app.name})", flush=True)
    lab.setup()
    print(f"set up in {time.monotonic() - started:.0f} s", flush=True)
    rows = []
    try:
        for number, (name, fn) in enumerate(DRILLS_LIST, start=1):
            if number not in chosen:
                continue
            if (number == 8 or number == 9) and not (lab.offhost / "base").exists():
                d2_offhost_encrypted(lab)
            t0 = time.monotonic()
            try:
                ok, notes, rto, rpo = fn(lab)
            except Exception as exc:  # noqa: BLE001 - a drill that breaks is a failed drill
                ok, notes, rto, rpo = False, f"error: {exc!r}"[:300], None, None
            rows.append({"drill": number, "name": name, "passed": ok, "rto_s": rto, "rpo_s": rpo,
                         "wall_s": round(time.monotonic() - t0, 1), "notes": notes})  # fmt: skip
            print(f"{number:>2} {'PASS' if ok else 'FAIL'} {name}: RTO "
                  f"{'-' if rto is None else f'{rto:.1f} s'}, RPO {'-' if rpo is None else f'{rpo:.1f} s'}; "
                  f"{notes}", flush=True)  # fmt: skip
    finally:
        for home in (lab.gnupg, lab.wrong_gnupg):  # gpg leaves an agent running per home
            subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], check=False)  # noqa: S603, S607
        if not args.keep:
            lab.source.destroy()
    passed = sum(r["passed"] for r in rows)
    print(
        f"\n{passed} of {len(rows)} drills passed (code {lab.app.name}, {time.monotonic() - started:.0f} s)"
    )
    print(f"{'#':>2}  {'Drill':<50} {'Result':<6} {'RTO':>8} {'RPO':>8}")
    for r in rows:
        rto = "-" if r["rto_s"] is None else f"{r['rto_s']:.0f} s"
        rpo = "-" if r["rpo_s"] is None else f"{r['rpo_s']:.0f} s"
        print(
            f"{r['drill']:>2}  {r['name']:<50} {'pass' if r['passed'] else 'FAIL':<6} {rto:>8} {rpo:>8}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    previous.append({"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                     "code": lab.app.name, "machine": platform.node(),
                     "load": os.getloadavg()[0], "drills": rows})  # fmt: skip
    RESULTS.write_text(json.dumps(previous, indent=1) + "\n")
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
