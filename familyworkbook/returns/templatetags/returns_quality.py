"""`{% team_quality team %}`: the data-quality count shown on a team's caseload page."""

from __future__ import annotations

from typing import Any

from django import template

from familyworkbook.returns import quality

register = template.Library()


@register.inclusion_tag("returns/includes/team_quality_count.html", takes_context=True)
def team_quality(context: dict[str, Any], team: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    count = quality.team_count(user, team.pk) if user is not None else None
    return {"team": team, "count": count}
