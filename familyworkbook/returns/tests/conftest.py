"""Fixtures for the returns tests: the sector's validators, run in their own environment."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

SAMPLES = Path(__file__).parent / "samples"
VALIDATORS_PYTHON = Path(settings.BASE_DIR) / ".venv-validators" / "bin" / "python"
SCRIPTS = Path(settings.BASE_DIR) / "scripts" / "validators"


def _require_validators() -> None:
    if VALIDATORS_PYTHON.exists():
        return
    reason = f"{VALIDATORS_PYTHON} is missing: run scripts/validators/setup.sh (make setup)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    print(f"SKIPPED: {reason}")
    pytest.skip(reason)


@pytest.fixture
def run_validator() -> Callable[..., subprocess.CompletedProcess[str]]:
    """run_validator("cin", path, *args) -> the finished process (stdout holds the report)."""
    _require_validators()

    def run(which: str, path: Path, *args: str) -> subprocess.CompletedProcess[str]:
        script = SCRIPTS / ("run_cin.py" if which == "cin" else "run_903.py")
        return subprocess.run(  # noqa: S603 - our own script, our own arguments
            [str(VALIDATORS_PYTHON), str(script), str(path), *args],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return run


def error_codes(stdout: str) -> list[str]:
    """Rule codes of the ERROR lines, in order (one per flagged row or crash)."""
    return [line.split()[1] for line in stdout.splitlines() if line.startswith("ERROR ")]


def error_count(stdout: str) -> int:
    last = [line for line in stdout.splitlines() if line.startswith("ERRORS: ")]
    assert last, f"no ERRORS line in:\n{stdout}"
    return int(last[-1].split()[1])
