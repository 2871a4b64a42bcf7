"""When a document must reach the family: working days before the meeting it is for."""

from __future__ import annotations

import datetime as dt

from familyworkbook.core.workingdays import add_working_days


def share_deadline(event_on: dt.date, working_days: int) -> dt.date:
    """The last day a document may reach the family: `working_days` working days before."""
    return add_working_days(event_on, -working_days)
