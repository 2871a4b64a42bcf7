#!/usr/bin/env bash
# Create .venv-validators (Python 3.11) with the CIN census and SSDA903 validators.
# Idempotent: does nothing when the venv already imports both validators at the pinned versions.
# Usage: scripts/validators/setup.sh [VENV_DIR]   (default: .venv-validators at the repo root)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${1:-$root/.venv-validators}"
python="${PYTHON311:-python3.11}"

check() {
    "$venv/bin/python" - <<'PY' 2>/dev/null
from importlib.metadata import version
import cin_validator, lac_validator  # noqa: F401
assert version("csc-validator-be-cin") == "0.1.13", version("csc-validator-be-cin")
assert version("csc-validator-be-903") == "0.1.17", version("csc-validator-be-903")
assert version("numpy").split(".")[:2] < ["1", "25"] or int(version("numpy").split(".")[1]) < 25
PY
}

if [ -x "$venv/bin/python" ] && check; then
    [ -f "$venv/.gitignore" ] || echo "*" > "$venv/.gitignore"
    echo "validators: $venv is ready"
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "validators: $python not found; the validators need Python 3.11 (pandas 1.5 has no 3.12 wheels)" >&2
    exit 1
fi

echo "validators: creating $venv with $("$python" --version)"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# One command, so pip resolves numpy<1.25 for both packages together.
"$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
echo "*" > "$venv/.gitignore"  # keep the venv out of git, as Python 3.13 venvs do
check || { echo "validators: install finished but the validators do not import" >&2; exit 1; }
echo "validators: $venv is ready"
