"""Application-level encryption of protected fields (R16), with the keys outside the database.

`EncryptedCharField`, `EncryptedTextField` and `EncryptedJSONField` store a Fernet token
(AES-128-CBC with HMAC-SHA256, a fresh IV per write) in a text column: every row of the column,
not only the protected ones, so nothing leaks through a flag that is flipped later. The keys
come from `settings.FIELD_ENCRYPTION_KEYS` (FWB_FIELD_ENCRYPTION_KEYS): the first encrypts,
every one decrypts, so a key is rotated by putting a new one first, running
`manage.py rotate_field_keys`, then dropping the old one.

Fernet is not deterministic, so SQL can no longer compare these columns: every lookup but
`isnull` (and `exact` against the empty string, which is stored as itself) raises `FieldError`
instead of silently finding nothing. What must still be searched gets a keyed blind index,
`BlindIndexField`: HMAC-SHA256 of the normalised value under `settings.BLIND_INDEX_KEY`
(FWB_BLIND_INDEX_KEY), filled on every save and bulk create (decision: data-field-encryption).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.lookups import Exact, IsNull

TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - every Fernet token starts with the version byte 0x80, base64-encoded


class UndecryptableError(Exception):
    """A stored value that none of the configured keys opens: a key was dropped too soon."""


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FWB_FIELD_ENCRYPTION_KEYS holds no key")
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def fernet() -> MultiFernet:
    """The keys as configured now (read each time, so tests may override the setting)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise UndecryptableError(
            "A stored encrypted value opens with none of FWB_FIELD_ENCRYPTION_KEYS"
        ) from None


def is_token(value: str) -> bool:
    """Whether a stored value is a token the configured keys open (the migrations skip those)."""
    if not value.startswith(TOKEN_PREFIX):
        return False
    try:
        decrypt(value)
    except UndecryptableError:
        return False
    return True


def rotate(token: str) -> str:
    """The same plaintext, encrypted again under the first key."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise UndecryptableError(
            "A stored encrypted value opens with none of FWB_FIELD_ENCRYPTION_KEYS"
        ) from None


def compact(value: str) -> str:
    """The blind index's normal form: capitals, no spaces (so "pe13 1aa" finds "PE13 1AA")."""
    return "".join((value or "").upper().split())


def blind_index(value: str) -> str:
    """Keyed HMAC-SHA256 of the normalised value; "" for an empty value."""
    normal = compact(value)
    if not normal:
        return ""
    key = settings.BLIND_INDEX_KEY.encode("utf-8")
    return hmac.new(key, normal.encode("utf-8"), hashlib.sha256).hexdigest()


# --- Lookups -------------------------------------------------------------------------------


class EmptyOnlyExact(Exact):
    """`field=""` still works (the empty string is stored as itself); any other value would be
    compared with a fresh ciphertext and silently match nothing, so it is refused."""

    def get_prep_lookup(self):  # type: ignore[no-untyped-def]
        if self.rhs not in ("", None):
            field = getattr(self.lhs, "target", None)
            name = f"{field.model.__name__}.{field.name}" if field is not None else "This field"
            raise FieldError(
                f"{name} is encrypted: SQL cannot compare its values "
                "(use its blind index, or filter in Python)"
            )
        return super().get_prep_lookup()


# --- Fields ----------------------------------------------------------------------------------


class EncryptedMixin:
    """Plaintext in Python, a Fernet token in the database; "" and None are stored as such."""

    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        if value is None or value == "":
            return value
        return encrypt(self._serialise(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self._deserialise(decrypt(value))

    def _serialise(self, value: Any) -> str:
        return str(value)

    def _deserialise(self, text: str) -> Any:
        return text

    def get_lookup(self, lookup_name: str):  # type: ignore[no-untyped-def]
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EmptyOnlyExact
        return None

    def get_transform(self, lookup_name: str):  # type: ignore[no-untyped-def]
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField whose `max_length` limits the plaintext (forms, validation); the column is
    text, because the token is longer."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """JSON, encrypted as one token. Not queryable inside: read it whole."""

    def _serialise(self, value: Any) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True)

    def _deserialise(self, text: str) -> Any:
        return json.loads(text)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt(self._serialise(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self._deserialise(decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: Any) -> str:
        return self._serialise(self.value_from_object(obj))


class BlindIndexField(models.CharField):
    """HMAC-SHA256 of another field's normalised value, kept up to date on every save and bulk
    create (`pre_save`). `QuerySet.update()` and `bulk_update()` bypass it: change the source
    field through model saves."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("blank", True), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


# --- Bulk work: the migrations and rotate_field_keys -----------------------------------------


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def _batches(
    connection: Any, table: str, pk: str, columns: list[str], batch_size: int, lock: bool
) -> Iterator[list[tuple]]:
    """Rows (pk, *columns) in primary-key order, `batch_size` at a time, each batch read
    (and, where the database can, locked) inside the caller's transaction."""
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in columns)
    last = None
    while True:
        where = f"WHERE {q(pk)} > %s " if last is not None else ""
        # Names come from the model and are quoted; values are parameters.
        sql = f"SELECT {q(pk)}, {cols} FROM {q(table)} {where}ORDER BY {q(pk)} LIMIT %s"  # noqa: S608
        if lock and connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute(sql, [last, batch_size] if last is not None else [batch_size])
                rows = cursor.fetchall()
            if not rows:
                return
            yield rows
        last = rows[-1][0]


def rewrite_columns(
    connection: Any,
    *,
    table: str,
    pk: str,
    columns: list[str],
    change: Callable[[str], str],
    batch_size: int = 1000,
    index: tuple[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Apply `change` to every non-empty value of `columns` with raw SQL (the ORM would decrypt),
    batch by batch, each batch one transaction with its rows locked. With `index` as
    (source column, index column), the index column is refilled from the source's plaintext.
    Returns the rows seen."""
    q = connection.ops.quote_name
    read = [*columns]
    if index and index[0] not in read:
        read.append(index[0])
    seen = 0
    for rows in _batches(connection, table, pk, read, batch_size, lock=True):
        updates = []
        for row in rows:
            values = dict(zip(read, row[1:], strict=True))
            new = {c: (change(values[c]) if values[c] else values[c]) for c in columns}
            if index:
                new[index[1]] = blind_index(decrypt_if_token(values[index[0]] or ""))
            updates.append((row[0], new))
        if updates:
            names = list(updates[0][1])
            sets = ", ".join(f"{q(n)} = %s" for n in names)
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {q(table)} SET {sets} WHERE {q(pk)} = %s",  # noqa: S608
                    [[*(new[n] for n in names), pk_value] for pk_value, new in updates],
                )
        seen += len(rows)
        if progress:
            progress(seen)
    return seen


def decrypt_if_token(value: str) -> str:
    """The plaintext of a token the keys open; any other value as it is."""
    if value.startswith(TOKEN_PREFIX):
        try:
            return decrypt(value)
        except UndecryptableError:
            pass
    return value


def encrypt_if_plain(value: str) -> str:
    return value if is_token(value) else encrypt(value)


def migration(
    app_label: str,
    model_name: str,
    columns: list[str],
    *,
    index: tuple[str, str] | None = None,
    batch_size: int = 1000,
) -> tuple[Callable, Callable]:
    """(forward, reverse) functions for a RunPython that encrypts existing rows (skipping any
    already encrypted) and fills the blind index, or decrypts them back."""

    def run(apps: Any, schema_editor: Any, change: Callable[[str], str], with_index: bool) -> None:
        model = apps.get_model(app_label, model_name)
        rewrite_columns(
            schema_editor.connection,
            table=model._meta.db_table,
            pk=model._meta.pk.column,
            columns=columns,
            change=change,
            batch_size=batch_size,
            index=index if with_index else None,
        )

    def forward(apps: Any, schema_editor: Any) -> None:
        run(apps, schema_editor, encrypt_if_plain, with_index=True)

    def reverse(apps: Any, schema_editor: Any) -> None:
        run(apps, schema_editor, decrypt_if_token, with_index=False)

    return forward, reverse
