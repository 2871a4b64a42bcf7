"""What the export commands share: who is exporting, and printing problems readably."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from familyworkbook.returns.problems import Problem


def acting_user(username: str) -> Any:
    """The user named by --by, or None (the audit records the system) when not given."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user {username!r}: --by takes a username") from None


def report_problems(stream: Any, problems: list[Problem], limit: int = 200) -> None:
    for problem in problems[:limit]:
        stream.write(str(problem))
    if len(problems) > limit:
        stream.write(f"... and {len(problems) - limit} more")
