"""R9: the domestic abuse alert on a person's and a family's page.

Shown to everyone who can open the page: it says only that an alleged perpetrator link is
recorded and what not to share. It never says whether a safe address is held (a perpetrator
worker must not learn that), and names only people the reader may already see.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from familyworkbook.access.models import PerpetratorLink
from familyworkbook.people.models import Person

register = template.Library()


def _visible_names(user: Any, ids: set[int]) -> list[str]:
    if not ids:
        return []
    people = Person.objects.visible_to(user).filter(pk__in=ids).order_by("last_name", "pk")
    return [p.full_name for p in people]


@register.inclusion_tag("access/includes/da_alert.html", takes_context=True)
def da_alert(context: dict[str, Any], person: Person | None = None, family: Any = None) -> dict:
    """The alert for one person, or for a family (any member linked either way)."""
    user = context["request"].user
    if person is not None:
        ids = {person.pk}
    elif family is not None:
        ids = set(
            family.memberships.filter(archived_at__isnull=True).values_list("person_id", flat=True)
        )
    else:
        ids = set()
    links = list(
        PerpetratorLink.objects.active()
        .filter(Q(survivor__in=ids) | Q(perpetrator__in=ids))
        .values_list("survivor_id", "perpetrator_id")
    )
    survivors = {s for s, _ in links if s in ids}
    perpetrators = {p for _, p in links if p in ids}
    return {
        "show": bool(links),
        "person": person,
        "survivor_names": _visible_names(user, survivors) if family is not None else [],
        "perpetrator_names": _visible_names(user, perpetrators) if family is not None else [],
        "is_survivor": person is not None and person.pk in survivors,
        "is_perpetrator": person is not None and person.pk in perpetrators,
        "alleged_perpetrators": (
            _visible_names(user, {p for s, p in links if s == person.pk})
            if person is not None
            else []
        ),
    }
