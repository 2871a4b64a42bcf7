"""Navigation items that depend on who is signed in (the pages themselves check again)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def access_nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():  # type: ignore[union-attr]
        return {}
    from familyworkbook.access import policy
    from familyworkbook.teams.models import Role

    actor = policy.actor_of(user)
    return {
        "nav_audit": policy.holds(user, policy.SEARCH_AUDIT_PERMISSION),
        "nav_emergency_review": actor.is_manager,
        "nav_meeting_types": actor.role == Role.SYSTEM_ADMIN,
    }
