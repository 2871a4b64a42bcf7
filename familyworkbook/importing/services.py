"""Importing a Standard Safeguarding Dataset extract (issue 16): the run, family by family.

`run_import(source, dry_run=..., by=..., progress=...)` is the one entry point (the command,
the import page's job and the tests call it). Being written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from familyworkbook.importing.models import ImportRun

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def run_import(
    source: str,
    *,
    database: bool = False,
    dry_run: bool = False,
    by: Any = None,
    progress: Progress | None = None,
) -> ImportRun:
    raise NotImplementedError("being written")
