"""The hash chain's canonical form: one definition shared by the writer and the verifier.

Each event's hash is sha256 over a canonical JSON document of its fields plus the previous
event's hash. The writer computes it from the values it is about to store; `verify_audit`
recomputes it from the values the database gives back. The two only agree if every value
survives a round trip through SQLite and PostgreSQL unchanged, so `to_json_safe` reduces
data to types that do (strings, whole numbers, booleans, null, lists, objects with string
keys) before anything is stored. See docs/decisions/audit-hash-chain.md.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

# Bump only together with a migration that records which events use which format:
# verify_audit must be able to recompute every old hash exactly as it was written.
FORMAT_VERSION = 1
GENESIS_HASH = "0" * 64

# The fields covered by the hash, in the model's attribute names. Adding a field to
# AuditEvent does NOT put it under the hash until it is added here (with a new format).
HASHED_FIELDS: tuple[str, ...] = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "target_label",
    "data",
    "ip",
    "user_agent",
    "request_id",
    "prev_hash",
)


def clean_text(value: str, max_length: int | None = None) -> str:
    """Make text storable everywhere: PostgreSQL refuses NUL and lone surrogates.

    Refusing would make the caller's change fail because of an audit detail, so the
    characters are replaced instead (U+FFFD), then the text is cut to `max_length`.
    """
    text = str(value).replace("\x00", "\ufffd")
    text = text.encode("utf-8", "replace").decode("utf-8")
    if max_length is not None:
        text = text[:max_length]
    return text


def to_json_safe(value: Any) -> Any:
    """Reduce `value` to JSON that reads back identically from either database.

    Floats become their repr string: PostgreSQL's jsonb rewrites some numbers (1e+20 reads
    back as an integer), which would break the hash, and audit data is evidence rather than
    arithmetic. Decimals, dates, times, durations and UUIDs become strings too. Anything
    else (model instances, arbitrary objects) is refused: the caller must say what to keep.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str | Promise):
        return clean_text(str(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, Mapping):
        return {clean_text(str(k)): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_safe(v) for v in value]
    if isinstance(value, set | frozenset):
        items = [to_json_safe(v) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    raise TypeError(
        f"Audit data cannot hold a {type(value).__name__}: pass its id or a safe label instead"
    )


def canonical_bytes(document: Any) -> bytes:
    """One byte string per document: sorted keys, no spaces, ASCII escapes, no NaN."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("Audit timestamps must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def hash_document(values: Mapping[str, Any]) -> dict[str, Any]:
    """The document that is hashed, built from an event's stored values.

    `values` maps each name in HASHED_FIELDS to the value as the model holds it (after a
    database round trip, when verifying). Identifiers are compared as text so that an
    integer and a string primary key hash alike.
    """
    actor_id = values["actor_id"]
    ip = values["ip"]
    if ip not in (None, ""):
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            ip = str(ip)  # not an address: hash it as stored, so a tampered row just mismatches
    return {
        "v": FORMAT_VERSION,
        "sequence": int(values["sequence"]),
        "occurred_at": _timestamp(values["occurred_at"]),
        "actor_id": None if actor_id is None else str(actor_id),
        "actor_label": values["actor_label"],
        "verb": str(values["verb"]),
        "target_type": values["target_type"],
        "target_id": values["target_id"],
        "target_label": values["target_label"],
        "data": values["data"],
        "ip": None if ip in (None, "") else ip,
        "user_agent": values["user_agent"],
        "request_id": values["request_id"],
        "prev_hash": values["prev_hash"],
    }


def compute_hash(values: Mapping[str, Any]) -> str:
    """sha256 hex of the canonical document: what `hash` must equal for an untouched event."""
    return hashlib.sha256(canonical_bytes(hash_document(values))).hexdigest()
