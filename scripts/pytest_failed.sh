#!/usr/bin/env bash
# Explain a failed pytest run in one line, then fail with its exit code.
# Usage: scripts/pytest_failed.sh EXIT_CODE "WHICH HALF"
set -euo pipefail
code="$1"
half="$2"
case "$code" in
  1) echo "FAILED: some tests failed on the $half half (see above)." >&2 ;;
  2) echo "FAILED: the $half half was interrupted." >&2 ;;
  3) echo "FAILED: pytest hit an internal error on the $half half." >&2 ;;
  4) echo "FAILED: pytest was called wrongly on the $half half (check PYTEST_ARGS)." >&2 ;;
  5) echo "FAILED: the $half half collected no tests; there must be tests." >&2 ;;
  *) echo "FAILED: pytest exited $code on the $half half." >&2 ;;
esac
exit "$code"
