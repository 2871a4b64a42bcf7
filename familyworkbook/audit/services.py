"""Writing the audit trail: `record()` is the only way in.

Why one writer: an event only proves anything if it is chained to the one before it, and
chaining needs the end of the chain held still while the event is added. `record()` takes
that lock, hashes the event with the previous hash, stores it and moves the head on, inside
the caller's transaction, so a change and its audit event commit or roll back together.
"""

from __future__ import annotations

import decimal
import ipaddress
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone

from familyworkbook.audit.chain import GENESIS_HASH, clean_text, to_json_safe
from familyworkbook.audit.models import AuditChainHead, AuditEvent, AuditEventQuerySet
from familyworkbook.audit.verbs import Verb

logger = logging.getLogger(__name__)

PROTECTED = "[protected]"
_TARGET_TYPE = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*")


class AuditChainError(Exception):
    """The chain head moved while we held its lock: the chain would fork, so nothing is written."""


def record(
    *,
    actor: Any,
    verb: Verb | str,
    target: models.Model | None = None,
    target_type: str | None = None,
    target_id: object = None,
    label: str = "",
    data: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, in the caller's transaction, and return it.

    actor   the signed-in User, or None (or AnonymousUser) for the system or someone not
            signed in. Pass the User, not a Worker profile.
    target  the record acted on; or give `target_type` ("app_label.model") and `target_id`
            for a record not loaded as a model instance. Leave all three out for events
            about no one record (a search, a sign-in).
    label   a short label for the target that is safe to show anyone who may read the
            audit: never a protected address, school, GP or diagnosis, so never `str(obj)`
            unless that is known to be safe.
    data    JSON-safe detail: {"changes": audit.changes(...)}, {"query": ...}, {"reason": ...}.
            Dates, Decimals and UUIDs become strings; model instances are refused.
    request gives the IP address, browser and request id.

    Call it last in the transaction: from this call until commit, every other writer of
    audit events waits for this transaction (PostgreSQL row lock, SQLite write lock).
    Outside a transaction it commits on its own, which suits audited reads.
    """
    verb = Verb(verb)
    actor_obj, actor_label = _actor(actor)
    target_type, target_id = _target(target, target_type, target_id)
    payload = to_json_safe(dict(data or {}))
    ip, user_agent, request_id = _request_metadata(request)

    # savepoint=False: if writing the event fails, the caller's whole transaction must
    # fail with it. A change must never commit without its audit event.
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        event = AuditEvent(
            sequence=head.sequence + 1,
            # Taken after the lock so that timestamps follow the sequence.
            occurred_at=timezone.now(),
            actor=actor_obj,
            actor_label=actor_label,
            verb=verb,
            target_type=target_type,
            target_id=target_id,
            target_label=clean_text(label, 200),
            data=payload,
            ip=ip,
            user_agent=user_agent,
            request_id=request_id,
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event._chained_by_record = True  # type: ignore[attr-defined]
        event.save()
        # Compare-and-swap as well as the lock: if the head moved anyway (a database that
        # ignored FOR UPDATE, say), refuse rather than fork the chain.
        moved = AuditChainHead.objects.filter(pk=head.pk, sequence=head.sequence).update(
            sequence=event.sequence, hash=event.hash
        )
        if moved != 1:
            raise AuditChainError(
                f"Audit chain head moved from sequence {head.sequence} while locked"
            )
    return event


def _lock_head() -> AuditChainHead:
    """Lock the chain head for the rest of the transaction, creating it on a fresh database.

    PostgreSQL: SELECT ... FOR UPDATE makes concurrent writers queue here until the holder
    commits. SQLite ignores FOR UPDATE, but settings open every transaction with
    BEGIN IMMEDIATE, so only one writer is ever inside a transaction.
    """
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(pk=AuditChainHead.ONLY_ROW).first()
    if head is not None:
        return head
    # No head: a new database, or one just flushed. Start after the newest event if any
    # survive (a head removed by hand); verify_audit will report what it cannot confirm.
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    if last is not None:
        logger.error(
            "Audit chain head was missing with events present; restarting it at sequence %s",
            last["sequence"],
        )
    # Two writers may both find it missing: the loser's insert is ignored, then it waits
    # for the lock like any other writer.
    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(
                pk=AuditChainHead.ONLY_ROW,
                sequence=last["sequence"] if last else 0,
                hash=last["hash"] if last else GENESIS_HASH,
            )
        ],
        ignore_conflicts=True,
    )
    return heads.get(pk=AuditChainHead.ONLY_ROW)


def _actor(actor: Any) -> tuple[Any, str]:
    if actor is None or getattr(actor, "is_anonymous", False) is True:
        return None, ""
    user_model = get_user_model()
    # Anything else must be a real user: silently recording "nobody" for a profile
    # object passed by mistake would lose who did it.
    if not isinstance(actor, user_model):
        raise TypeError(
            f"actor must be a {user_model.__name__} or None, not {type(actor).__name__}"
            " (for a worker profile pass worker.user)"
        )
    if actor.pk is None:
        raise ValueError("actor must be a saved user")
    username = actor.get_username()
    full_name = actor.get_full_name().strip() if hasattr(actor, "get_full_name") else ""
    label = f"{full_name} ({username})" if full_name and full_name != username else username
    return actor, clean_text(label, 300)


def _target(
    target: models.Model | None, target_type: str | None, target_id: object
) -> tuple[str, str]:
    if target is not None:
        if target_type is not None or target_id is not None:
            raise ValueError("Give either target, or target_type and target_id, not both")
        if target.pk is None:
            raise ValueError("Audit the target after saving it: it has no primary key yet")
        return target._meta.label_lower, _target_id(target.pk)
    if target_type is None and target_id is None:
        return "", ""
    if target_type is None or target_id is None:
        raise ValueError("target_type and target_id go together")
    target_type = target_type.lower()
    if not _TARGET_TYPE.fullmatch(target_type):
        raise ValueError(f'target_type must look like "app_label.model", not {target_type!r}')
    try:
        apps.get_model(target_type)
    except LookupError:
        raise ValueError(f"target_type {target_type!r} is not an installed model") from None
    return target_type, _target_id(target_id)


def _target_id(value: object) -> str:
    text = str(value)
    if not text or len(text) > 64:
        raise ValueError(f"target_id must be 1 to 64 characters, not {len(text)}")
    return clean_text(text)


def _request_metadata(request: HttpRequest | None) -> tuple[str | None, str, str]:
    """IP, browser and request id. Not the path: query strings can carry search text.

    The IP is REMOTE_ADDR. Behind a load balancer the deployment must set it from the
    trusted proxy header; reading X-Forwarded-For here would let anyone forge it.
    """
    if request is None:
        return None, "", ""
    meta = request.META
    ip: str | None = None
    try:
        ip = str(ipaddress.ip_address(meta.get("REMOTE_ADDR", "")))
    except ValueError:
        ip = None
    user_agent = clean_text(meta.get("HTTP_USER_AGENT", ""), 200)
    request_id = getattr(request, "request_id", "") or meta.get("HTTP_X_REQUEST_ID", "")
    return ip, user_agent, clean_text(str(request_id), 64)


# --- Describing changes --------------------------------------------------------------------


def _field_value(instance: models.Model, field: models.Field) -> Any:
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(getattr(instance, field.name).values_list("pk", flat=True))
    value = getattr(instance, field.attname)
    if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
        # 1.5 and 1.50 are the same amount; report the value as the column stores it.
        value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    if isinstance(field, models.FileField):
        value = value.name if value else ""
    return value


def _fields(instance: models.Model, names: Iterable[str] | None) -> list[models.Field]:
    opts = instance._meta
    if names is None:
        # Bookkeeping fields (modified_at, version, ...) are editable=False and say nothing
        # a reader of the audit needs; the event has its own time and actor.
        return [
            f
            for f in [*opts.concrete_fields, *opts.many_to_many]
            if f.editable and not f.primary_key
        ]
    return [opts.get_field(name) for name in names]  # type: ignore[misc]


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON-safe values of `fields` now: take one before changing a record.

    Foreign keys are recorded as ids, many-to-many fields as sorted lists of ids.
    """
    return {f.name: to_json_safe(_field_value(instance, f)) for f in _fields(instance, fields)}


def changes(
    old: models.Model | Mapping[str, Any],
    new: models.Model,
    fields: Iterable[str] | None = None,
    *,
    redact: Iterable[str] = (),
) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed, ready for `data={"changes": ...}`.

    `old` is a snapshot() taken before the change, or an unchanged copy of the instance.
    `fields` defaults to every editable field. Fields named in `redact` (a survivor's
    address, a diagnosis: whatever the access policy protects for this record) appear as
    changed with both values "[protected]", so the audit shows that they changed without
    holding the values in clear.
    """
    if isinstance(old, models.Model):
        before = snapshot(old, fields)
    else:
        before = {}
        for f in _fields(new, fields):
            raw = old[f.name] if f.name in old else old.get(f.attname)
            before[f.name] = to_json_safe(raw)
    after = snapshot(new, fields)
    hidden = set(redact)
    unknown = hidden - set(after)
    if unknown:
        raise ValueError(f"redact names fields not compared: {sorted(unknown)}")
    result: dict[str, list[Any]] = {}
    for name, new_value in after.items():
        if before.get(name) != new_value:
            result[name] = (
                [PROTECTED, PROTECTED] if name in hidden else [before.get(name), new_value]
            )
    return result


# --- Reading -------------------------------------------------------------------------------


def events_for(target_type: str, target_id: object) -> AuditEventQuerySet:
    """Everything that happened to one record, newest first."""
    return AuditEvent.objects.events_for(target_type, target_id)


def who_has_seen(target: models.Model) -> list[dict[str, Any]]:
    """Each person who has had this record in front of them, most recent first.

    One row per actor: actor_id, actor_label (as of their latest event), last_seen_at and
    times_seen. "Seen" covers viewing, changing, exporting and printing (SEEING_VERBS).
    Events by no signed-in actor are left out. The caller decides who may see this list.
    """
    seen = AuditEvent.objects.for_target(target).seen().filter(actor__isnull=False)
    latest_label = (
        seen.filter(actor_id=OuterRef("actor_id")).order_by("-sequence").values("actor_label")[:1]
    )
    rows = (
        seen.order_by()
        .values("actor_id")
        .annotate(
            last_seen_at=Max("occurred_at"),
            times_seen=Count("id"),
            actor_label=Subquery(latest_label),
        )
        .order_by("-last_seen_at", "actor_id")
    )
    return list(rows)
