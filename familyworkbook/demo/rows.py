"""A batch of unsaved demo rows, inserted in dependency order with bulk_create.

bulk_create skips save(), so the generator sets the audit fields (created and modified by
and at) itself. Foreign keys are set as instances: by the time a row is inserted its
parents have been, and Django copies their primary keys across.
"""

from __future__ import annotations

from django.db import models
from django.db.models import OuterRef, Subquery

from familyworkbook.access.models import PerpetratorLink
from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    EpisodeSecondaryNeed,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.history import bulk as history_bulk
from familyworkbook.people.models import (
    Address,
    Family,
    FamilyMembership,
    Person,
    Registration,
    Relationship,
    RelationshipKind,
)

BATCH_SIZE = 2000

# Insert order: every row after the rows it points at.
ORDER: list[tuple[str, type[models.Model]]] = [
    ("families", Family),
    ("people", Person),
    ("memberships", FamilyMembership),
    ("addresses", Address),
    ("registrations", Registration),
    ("relationships", Relationship),
    ("perpetrator_links", PerpetratorLink),
    ("cases", Case),
    ("allocations", Allocation),
    ("episodes", CinEpisode),
    ("needs", EpisodeSecondaryNeed),
    ("assessments", Assessment),
    ("s47s", Section47),
    ("cin_plans", CinPlan),
    ("cp_plans", CpPlan),
    ("reviews", CpReview),
    ("looked_after", LookedAfterEpisode),
    ("pre_proceedings", PreProceedings),
    ("proceedings", CareProceedings),
    ("visits", Visit),
]


class Rows:
    def __init__(self) -> None:
        self.families: list[Family] = []
        self.people: list[Person] = []
        self.memberships: list[FamilyMembership] = []
        self.addresses: list[Address] = []
        self.registrations: list[Registration] = []  # schools and GP practices
        self.relationships: list[Relationship] = []  # one way only; save() adds the inverses
        self.perpetrator_links: list[PerpetratorLink] = []  # alleged perpetrator -> survivor
        self.cases: list[Case] = []
        self.allocations: list[Allocation] = []
        self.episodes: list[CinEpisode] = []
        self.needs: list[EpisodeSecondaryNeed] = []
        self.assessments: list[Assessment] = []
        self.s47s: list[Section47] = []
        self.cin_plans: list[CinPlan] = []
        self.cp_plans: list[CpPlan] = []
        self.reviews: list[CpReview] = []
        self.looked_after: list[LookedAfterEpisode] = []
        self.pre_proceedings: list[PreProceedings] = []
        self.proceedings: list[CareProceedings] = []
        self.visits: list[Visit] = []

    def save(self) -> dict[str, int]:
        """Insert everything; return how many rows of each kind (relationships counted both ways)."""
        counts: dict[str, int] = {}
        for name, model in ORDER:
            objs = getattr(self, name)
            if name == "relationships":
                counts[name] = self._save_relationships(objs)
                continue
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
            counts[name] = len(objs)
        return counts

    @staticmethod
    def _save_relationships(forward: list[Relationship]) -> int:
        """Each relationship with its inverse, pointing at each other (as `builders.link` does)."""
        Relationship.objects.bulk_create(forward, batch_size=BATCH_SIZE)
        backward = [
            Relationship(
                person_id=row.other_id,
                other_id=row.person_id,
                kind=RelationshipKind.inverse_of(row.kind),
                inverse_id=row.pk,
                started_on=row.started_on,
                ended_on=row.ended_on,
                created_at=row.created_at,
                modified_at=row.modified_at,
                created_by_id=row.created_by_id,
                modified_by_id=row.modified_by_id,
            )
            for row in forward
        ]
        Relationship.objects.bulk_create(backward, batch_size=BATCH_SIZE)
        for row, inverse in zip(forward, backward, strict=True):
            row.inverse_id = inverse.pk
        # The second pass: point each forward row at its inverse. One UPDATE for the batch
        # (the inverse is found through the unique index on `inverse`) instead of bulk_update's
        # CASE per row, which is the slowest step of the whole seed at 20,000 families.
        if forward:
            ids = [row.pk for row in forward]
            # In a bulk history load: the insert events hold the rows as inserted (no inverse
            # yet), then each forward row gets its update event, as the triggers would write.
            history_bulk.flush()
            Relationship.objects.filter(
                pk__gte=min(ids), pk__lte=max(ids), inverse__isnull=True
            ).update(
                inverse=Subquery(
                    Relationship.objects.filter(inverse=OuterRef("pk")).values("pk")[:1]
                )
            )
            history_bulk.updated(Relationship, ids)
        return len(forward) + len(backward)
