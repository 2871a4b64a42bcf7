"""Demo records for the retention review, so it is not empty in `make run`.

Not called by anything in this app: the demo county calls `seed_retention_examples` after
it has built its teams and information-governance user (familyworkbook/demo is not ours).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from familyworkbook.cases.models import Case, CinEpisode
from familyworkbook.people.models import Family
from familyworkbook.retention import services


def seed_retention_examples(*, team: Any, ig_user: Any) -> list[Family]:
    """Three families whose last case closed in 2008-2010, past every local rule by 2026.

    Children born 1988-1990, children in need: retention ended 2011-2016. The last one is
    under a legal hold (a civil claim), so the review lists two and counts one as held.
    """
    from familyworkbook.demo import builders

    made = []
    for n, (name, born, closed) in enumerate(
        [
            ("Retention Example A", dt.date(1988, 4, 2), dt.date(2008, 3, 31)),
            ("Retention Example B", dt.date(1989, 9, 14), dt.date(2009, 7, 1)),
            ("Retention Example C", dt.date(1990, 1, 20), dt.date(2010, 1, 15)),
        ]
    ):
        if Family.objects.filter(reference=f"RET{n + 1:05d}").exists():
            continue
        family = builders.family(name, children=1, adults=1, born=born, reference=f"RET{n + 1:05d}")
        case = builders.case(family, team, opened_on=closed - dt.timedelta(days=400))
        CinEpisode.objects.filter(case=case).update(closed_on=closed, closure_reason="RC8")
        Case.objects.filter(pk=case.pk).update(closed_on=closed, closure_reason="RC8")
        made.append(family)
    if len(made) == 3:
        services.place_hold(
            by=ig_user, family=made[-1], reason="Civil claim against the council (demo)"
        )
    return made
