"""Form fields that never hand the database a value it cannot hold.

Django's own `ModelChoiceField` and `ModelMultipleChoiceField` look a posted id up in the
database as it was typed. An id beyond the database's integer range then reaches SQLite as a
Python int it cannot convert (`OverflowError`) or PostgreSQL as an out-of-range literal, and the
request ends in a server error instead of the field's "select a valid choice" message. The same
holds for an integer input whose value is later used in a query, and for an id in a query string.

Every form in the product uses these classes: `GovukModelForm` gives its generated fields
these classes (see `formfield_for`), and `familyworkbook.core.tests.test_form_fields` fails when
a form declares Django's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db import models as m

# What any of our databases holds in an integer column: PostgreSQL's bigint, SQLite's INTEGER.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def integer_range(field: m.Field, using: str = "default") -> tuple[int, int]:
    """The smallest and largest value the database column of `field` holds."""
    low, high = connections[using].ops.integer_field_range(field.get_internal_type())
    return (INT64_MIN if low is None else low, INT64_MAX if high is None else high)


def parse_id(value: Any, *, low: int = 1, high: int = INT64_MAX) -> int | None:
    """An id typed into a URL or a form: an int in [low, high], else None.

    For query-string and hidden-field ids that a view looks up itself; a view answers None
    as it answers an id that does not exist (usually 404).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        # int() would accept "1_000", " 12 " and non-ASCII digits; an id is plain ASCII digits.
        if not text or len(text) > 20 or not (text.isascii() and text.lstrip("-").isdigit()):
            return None
        number = int(text)
    return number if low <= number <= high else None


def usable_key(model: type[m.Model], value: Any, *, field_name: str | None = None) -> bool:
    """Whether `value` can be compared with `model`'s key (or `field_name`) in the database.

    An integer key takes only an integer in its column's range; any key refuses NUL
    characters (PostgreSQL refuses them in a literal) and text past 1,000 characters.
    """
    if isinstance(value, model):
        return True
    if isinstance(value, str) and ("\x00" in value or len(value) > 1000):
        return False
    field = model._meta.get_field(field_name) if field_name else model._meta.pk
    while field.is_relation and field.target_field is not field:  # a key that is a key
        field = field.target_field
    if field.get_internal_type() in _INTEGER_TYPES:
        low, high = integer_range(field, router_db(model))
        return parse_id(value, low=low, high=high) is not None
    return True


def router_db(model: type[m.Model]) -> str:
    from django.db import router

    return router.db_for_read(model) or "default"


class _KeyCheck:
    """Refuses a key the database could not compare before the queryset ever sees it."""

    queryset: Any
    to_field_name: str | None

    def _usable_key(self, value: Any) -> bool:
        return usable_key(self.queryset.model, value, field_name=self.to_field_name)


class ModelChoiceField(_KeyCheck, forms.ModelChoiceField):
    """Django's ModelChoiceField, but an id the database cannot hold is an invalid choice."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if not self._usable_key(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(_KeyCheck, forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, with the same refusal for each id."""

    def _check_values(self, value: Iterable[Any]) -> Any:
        try:
            values = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for one in values:
            if not self._usable_key(one):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(one)[:50]},
                )
        return super()._check_values(values)


class IntegerField(forms.IntegerField):
    """An integer input bounded by what the database column can hold (64-bit by default)."""

    def __init__(
        self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(
            min_value=INT64_MIN if min_value is None else min_value,
            max_value=INT64_MAX if max_value is None else max_value,
            **kwargs,
        )

    def to_python(self, value: Any) -> int | None:
        # "9" * 5000 is digits, but int() refuses strings that long (ValueError: the limit on
        # integer string conversion) only on some paths: refuse anything past 20 digits first.
        if isinstance(value, str) and len(value.strip()) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def formfield_for(db_field: m.Field, **kwargs: Any) -> forms.Field | None:
    """The form field a model form gets for `db_field`: ours for keys and integers.

    `GovukModelForm` passes this to Django as its `formfield_callback`.
    """
    if isinstance(db_field, m.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, m.ForeignKey):  # OneToOneField is a ForeignKey
        kwargs.setdefault("form_class", ModelChoiceField)
    elif isinstance(db_field, m.IntegerField) and not db_field.choices:
        low, high = integer_range(db_field)
        kwargs.setdefault("form_class", IntegerField)
        kwargs.setdefault("min_value", low)
        kwargs.setdefault("max_value", high)
    return db_field.formfield(**kwargs)
