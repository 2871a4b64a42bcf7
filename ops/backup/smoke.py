"""Smoke test of a restored database: a few pages render for a signed-in practitioner.

    DATABASE_URL=postgres://…/restored python ops/backup/smoke.py [--username social_worker]

Run from the application's directory with its settings (the same environment as the app).
Signs in through Django's test client (the second factor marked as done, as the tests do,
because the restored copy's authenticator secrets belong to real people), then fetches the
worker's caseload, a family page and that family's Workbook and chronology, and the audit
chain is checked separately by `manage.py verify_audit`. Reads only; prints each page's
status and exits 1 if any is not 200.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--username", default="social_worker")
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())
    sys.path.insert(1, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from familyworkbook.teams.models import User

    user = User.objects.get(username=args.username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "testserver")
    client = Client(HTTP_HOST=host, secure=settings.SECURE_SSL_REDIRECT)
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    failed = 0
    caseload = client.get("/record/mine/")
    pages = [("/record/mine/", caseload.status_code)]
    family = re.search(r'href="/record/family/(\d+)/"', caseload.content.decode())
    if family is None:
        print("no family on the caseload")
        failed += 1
    else:
        for path in (
            f"/record/family/{family.group(1)}/",
            f"/workbook/family/{family.group(1)}/",
            f"/workbook/family/{family.group(1)}/chronology/",
        ):
            pages.append((path, client.get(path).status_code))
    for path, status in pages:
        print(f"{status} {path}")
        failed += status != 200
    print("smoke test passed" if not failed else f"smoke test FAILED: {failed} pages")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
