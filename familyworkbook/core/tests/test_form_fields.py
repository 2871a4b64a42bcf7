"""Every form refuses a key or number the database cannot hold with the field's own error.

The form fuzz test found `OverflowError: Python int too large to convert to SQLite INTEGER`
from a ModelMultipleChoiceField on the add-entry page (issue 25): these tests pin the class of
bug, on whichever database the half runs on, and fail when a form goes back to Django's field.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms as django_forms
from django.http import Http404

import familyworkbook
from familyworkbook.core import fields
from familyworkbook.core.forms import GovukModelForm
from familyworkbook.core.scoping import get_for
from familyworkbook.people.models import Address, Person
from familyworkbook.teams.models import Team

# Values that reached the database as they were typed and ended in a server error.
HOSTILE_KEYS = [
    "99999999999999999999999",  # past 64 bits: OverflowError on SQLite
    str(2**63),  # one past bigint
    str(-(2**63) - 1),
    "9" * 5_000,  # past Python's int-from-string limit
    "1e309",
    "abc",
    "1_000",
    "١٢",  # Arabic-Indic digits: int() reads them, no column holds them as typed
    "with a \x00 null",  # PostgreSQL refuses NUL in a literal
    "x" * 100_000,
]


@pytest.fixture
def team(db):
    return Team.objects.create(name="North Family Safeguarding Team")


@pytest.mark.parametrize("value", HOSTILE_KEYS)
def test_a_choice_the_database_cannot_hold_is_an_invalid_choice(team, value):
    field = fields.ModelChoiceField(queryset=Team.objects.all())
    with pytest.raises(django_forms.ValidationError) as refused:
        field.clean(value)
    assert refused.value.code == "invalid_choice"


@pytest.mark.parametrize("value", HOSTILE_KEYS)
def test_a_multiple_choice_the_database_cannot_hold_is_an_invalid_choice(team, value):
    field = fields.ModelMultipleChoiceField(queryset=Team.objects.all())
    with pytest.raises(django_forms.ValidationError) as refused:
        field.clean([str(team.pk), value])
    assert refused.value.code == "invalid_choice"


def test_a_real_choice_is_still_accepted(team):
    assert fields.ModelChoiceField(queryset=Team.objects.all()).clean(str(team.pk)) == team
    chosen = fields.ModelMultipleChoiceField(queryset=Team.objects.all()).clean([str(team.pk)])
    assert list(chosen) == [team]
    # An id that could exist but does not is the same refusal as ever.
    with pytest.raises(django_forms.ValidationError):
        fields.ModelChoiceField(queryset=Team.objects.all()).clean(str(team.pk + 1000))


@pytest.mark.parametrize("value", ["99999999999999999999999", str(2**63), "9" * 5_000, "1e309"])
def test_an_integer_input_past_the_column_is_refused(value):
    field = fields.IntegerField()
    with pytest.raises(django_forms.ValidationError):
        field.clean(value)
    assert field.clean(str(2**63 - 1)) == 2**63 - 1


@pytest.mark.parametrize("value", [*HOSTILE_KEYS, "-1", "0", ""])
def test_a_record_looked_up_by_a_hostile_id_is_404(db, sam, value):
    with pytest.raises(Http404):
        get_for(sam.user, Person.objects.all(), value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 12 ", 12), ("0", None), ("-3", None), ("1_000", None), ("١٢", None)]
    + [(str(2**63), None), ("", None), (None, None), (True, None), (7, 7)],
)
def test_parse_id(value, expected):
    assert fields.parse_id(value) == expected


def _all_form_classes() -> list[type[django_forms.BaseForm]]:
    for module in pkgutil.walk_packages(familyworkbook.__path__, "familyworkbook."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        if module.name.rsplit(".", 1)[-1] in {"forms", "admin", "views"} or "form" in module.name:
            importlib.import_module(module.name)

    def walk(cls: type) -> list[type]:
        return [cls, *[c for sub in cls.__subclasses__() for c in walk(sub)]]

    return [
        c
        for c in walk(django_forms.BaseForm)
        if c.__module__.startswith("familyworkbook.") and ".tests" not in c.__module__
    ]


# Django's classes, each with the one we use instead.
OURS = {
    django_forms.ModelMultipleChoiceField: fields.ModelMultipleChoiceField,
    django_forms.ModelChoiceField: fields.ModelChoiceField,
    django_forms.IntegerField: fields.IntegerField,
}


def test_every_form_uses_the_database_safe_fields(db):
    """Declared fields and the fields a model form generates (base_fields) are ours."""
    found, wrong = 0, []
    for form_class in _all_form_classes():
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, django_forms.FloatField | django_forms.DecimalField):
                continue  # subclasses of IntegerField; the model validates their digits
            for django_class, ours in OURS.items():
                if isinstance(field, django_class):
                    found += 1
                    if not isinstance(field, ours):
                        wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
                    break
    assert found > 20  # the walk reached the product's forms
    assert not wrong, "use familyworkbook.core.fields instead of Django's field: " + ", ".join(
        wrong
    )


def test_no_form_builds_django_s_field_itself():
    """Fields made in a form's __init__ are not in base_fields: the source is checked too."""
    root = Path(familyworkbook.__file__).parent
    pattern = re.compile(r"\bforms\.(ModelMultipleChoiceField|ModelChoiceField|IntegerField)\b")
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path.name != "fields.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line) and "isinstance" not in line
    ]
    assert not offenders, offenders


def test_a_model_form_s_generated_key_field_is_ours(db):
    class AddressForm(GovukModelForm):
        class Meta:
            model = Address
            fields = ["person"]

    assert type(AddressForm.base_fields["person"]) is fields.ModelChoiceField
