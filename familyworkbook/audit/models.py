"""The audit trail: append-only, hash-chained events.

Every event says who (actor), did what (verb), to which record (target), when, and with
what detail (data). Records are referred to generically, as "app_label.model" and a primary
key in text, so this app imports no domain app and a lookup needs no join.

`familyworkbook.audit.record()` is the only writer. The model, its QuerySet and database
triggers (guards.py) all refuse to change or remove an event once written.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familyworkbook.audit.chain import GENESIS_HASH, HASHED_FIELDS, compute_hash
from familyworkbook.audit.verbs import SEEING_VERBS, Verb


class AuditAppendOnlyError(Exception):
    """Something tried to change or remove an audit event, or write one around record()."""


def _refuse(what: str) -> NoReturn:
    raise AuditAppendOnlyError(
        f"Audit events are append-only: {what} refused. Write events with audit.record()."
    )


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def events_for(self, target_type: str, target_id: object) -> AuditEventQuerySet:
        """Everything that happened to one record, newest first.

        `target_type` is "app_label.model" (e.g. "people.person"); `target_id` its primary
        key, compared as text because that is how events store it.
        """
        return self.filter(target_type=target_type.lower(), target_id=str(target_id)).order_by(
            "-occurred_at", "-sequence"
        )

    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        return self.events_for(target._meta.label_lower, target.pk)

    def by_actor(self, actor: Any) -> AuditEventQuerySet:
        return self.filter(actor=actor).order_by("-occurred_at", "-sequence")

    def seen(self) -> AuditEventQuerySet:
        """Events in which the actor had the record in front of them (see SEEING_VERBS)."""
        return self.filter(verb__in=SEEING_VERBS)

    # Everything below would change or remove events without going through the chain.
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("QuerySet.update()")

    def delete(self) -> NoReturn:
        _refuse("QuerySet.delete()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("QuerySet.bulk_update()")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("QuerySet.bulk_create() (events must be chained one by one)")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("QuerySet.update_or_create()")


class AuditEvent(models.Model):
    """One thing that happened, chained to the event before it.

    `target_label` is shown on "who has seen this" and audit search pages to people who may
    not be allowed to see the record itself, so callers pass a label they know is safe
    (a reference number, "Family 1234"), never `str(obj)` of a record that could hold a
    protected address, school or diagnosis. The same rule applies to `data`: pass field
    names and changes through `audit.changes(..., redact=...)`, never protected values.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the (actor, occurred_at) index below serves lookups by actor
        help_text=_("Empty for system events and for attempts by someone not signed in."),
    )
    actor_label = models.CharField(
        _("actor name"),
        max_length=300,
        blank=True,
        help_text=_("The actor's name and username when the event happened."),
    )
    verb = models.CharField(_("what happened"), max_length=32, choices=Verb.choices)
    target_type = models.CharField(
        _("record type"), max_length=100, blank=True, help_text=_('"app_label.model"')
    )
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(
        _("record label"),
        max_length=200,
        blank=True,
        help_text=_("A short label the caller guarantees holds no protected detail."),
    )
    data = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["sequence"]
        indexes = [
            models.Index(
                fields=["target_type", "target_id", "occurred_at"], name="audit_event_target"
            ),
            models.Index(fields=["actor", "occurred_at"], name="audit_event_actor"),
            models.Index(fields=["occurred_at"], name="audit_event_occurred_at"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        who = self.actor_label or _("someone not signed in")
        what = self.target_label or (
            f"{self.target_type} {self.target_id}" if self.target_type else ""
        )
        return f"#{self.sequence} {who} {self.get_verb_display()} {what}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("changing a saved event")
        if not getattr(self, "_chained_by_record", False):
            _refuse("saving an event directly")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleting an event")

    def hashed_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def compute_hash(self) -> str:
        """The hash this event's current field values should have."""
        return compute_hash(self.hashed_values())


class AuditChainHead(models.Model):
    """The end of the chain: one row, locked by every writer to keep the chain linear.

    Holding the last sequence and hash here (rather than reading the newest event) gives
    writers one row to lock, and lets verify_audit notice events removed from the end.
    """

    ONLY_ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY_ROW, editable=False)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        default_permissions = ()
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_one_row")]

    def __str__(self) -> str:
        return f"audit chain head at {self.sequence}"
