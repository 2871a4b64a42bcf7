"""Check a crash drill's acknowledged writes again, against its kept cluster.

    .venv/bin/python bench/durability/recheck.py var/drills/crash-postgres --port 55432 --source <commit>

For a drill stopped early (or run with --keep): stop the drill's gunicorn first, start the
cluster if it is down (`pg_ctl -D <home>/data start` as postgres), then this reads
`<home>/acknowledged.jsonl` (one line per acknowledged write, written as it happened), checks
every write (bench/durability/verify.py) and runs `manage.py verify_audit`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app import in_process, manage, snapshot  # noqa: E402
from cluster import Cluster  # noqa: E402
from verify import Ack, check  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--source", default="HEAD")
    args = parser.parse_args()
    cluster = Cluster(args.home.resolve(), args.port)
    if cluster.postmaster_pid() is None:
        cluster.start()
    url = cluster.url("familyworkbook")
    app = snapshot(args.source)
    acks = [Ack(**json.loads(line)) for line in (args.home / "acknowledged.jsonl").open()]
    in_process(app, url)
    found = check(acks).as_dict()
    chain = manage(app, url, "verify_audit").strip().splitlines()[-1]
    print(json.dumps({"home": str(args.home), "code": app.name, **found, "verify_audit": chain}))
    return 0 if not (found["lost"] or found["partial"] or found["audit_missing"]) else 1


if __name__ == "__main__":
    sys.exit(main())
