"""The meeting types every council starts with. Rows, not code: a council may add its own.

Used by the data migration, and by tests whose database is flushed between tests."""

from __future__ import annotations

from typing import Any

TYPES = [
    # slug, name, per_family, due_every_days, needs_adult_specialist, rag, cycle, contributions,
    # minutes_due_hours
    ("group_case_supervision", "Group case supervision", True, 30, True, True, True, True, None),
    ("unit_meeting", "Weekly unit meeting", False, 7, False, False, False, False, 24),
    ("core_group", "Core group", True, None, False, True, False, True, None),
    ("icpc", "Initial child protection conference", True, None, False, False, False, True, None),
    ("rcpc", "Review child protection conference", True, None, False, False, False, True, None),
    ("cin_review", "Child in need review", True, None, False, True, False, True, None),
    (
        "family_group_conference",
        "Family Group Conference",
        True,
        None,
        False,
        False,
        False,
        False,
        None,
    ),
    ("daily_huddle", "Daily team huddle", False, 1, False, False, False, False, None),
    ("legal_plo", "Legal planning (PLO) meeting", True, None, False, False, False, True, None),
]


def seed_meeting_types(model: Any) -> None:
    """Create or update the standard types (`model` is MeetingType, real or historical)."""
    for order, (slug, name, per_family, every, specialist, rag, cycle, contrib, hours) in enumerate(
        TYPES
    ):
        model.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "per_family": per_family,
                "due_every_days": every,
                "needs_adult_specialist": specialist,
                "records_rag": rag,
                "records_cycle_of_change": cycle,
                "takes_contributions": contrib,
                "minutes_due_hours": hours,
                "ordering": order,
            },
        )
