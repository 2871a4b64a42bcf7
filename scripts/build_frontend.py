"""Copy GOV.UK Frontend from node_modules into var/frontend, where Django serves static files.

The precompiled stylesheet expects its fonts and images at /assets/; we serve them under
/static/govuk/assets/ instead, so the URLs are rewritten. Nothing comes from a CDN.
Run by `make setup`; quick and idempotent.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = ROOT / "var" / "frontend" / "govuk"


def main() -> int:
    if not SOURCE.exists():
        print("govuk-frontend is not installed: run `npm ci` first", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    css = (SOURCE / "govuk-frontend.min.css").read_text(encoding="utf-8")
    (TARGET / "govuk-frontend.min.css").write_text(
        css.replace("url(/assets/", "url(/static/govuk/assets/"), encoding="utf-8"
    )
    shutil.copy2(SOURCE / "govuk-frontend.min.js", TARGET / "govuk-frontend.min.js")
    shutil.copytree(SOURCE / "assets", TARGET / "assets", dirs_exist_ok=True)
    print(f"GOV.UK Frontend copied to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
