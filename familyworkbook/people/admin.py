"""People records in the Django admin, for system administrators fixing data.

Nothing is deleted (the law requires children's records to be kept), so no admin page
offers delete; changes made here are stamped with the administrator, like any other.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest

from familyworkbook.people.models import (
    Address,
    Family,
    FamilyMembership,
    Person,
    Registration,
    Relationship,
    normalise_postcode,
)

AUDIT_FIELDS = ("created_at", "created_by", "modified_at", "modified_by", "version", "archived_at")


class AdminForm(forms.ModelForm):
    # The admin's own widgets, not the GOV.UK renderer the service's pages use: the GOV.UK
    # renderer reads templates from TEMPLATES only, where Django's widget templates are missing.
    default_renderer = DjangoTemplates()


class RecordAdmin(admin.ModelAdmin):
    form = AdminForm
    readonly_fields = AUDIT_FIELDS
    list_select_related = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.stamp(request.user)
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = (
        "full_name",
        "kind",
        "date_of_birth",
        "sex",
        "la_child_id",
        "upn",
        "nhs_number",
        "archived_at",
    )
    list_filter = ("kind", "sex", "ethnicity", "interpreter_needed")
    search_fields = ("first_name", "last_name", "known_as", "upn", "nhs_number", "la_child_id")
    date_hierarchy = "date_of_birth"


@admin.register(Registration)
class RegistrationAdmin(RecordAdmin):
    list_display = ("person", "kind", "name", "code", "from_date", "to_date", "hidden")
    list_filter = ("kind", "hidden")
    # The name and code are encrypted (R16): SQL can neither search nor sort them.
    search_fields = ("person__last_name", "person__first_name")
    sortable_by = ("person", "kind", "from_date", "to_date", "hidden")
    raw_id_fields = ("person",)


@admin.register(Address)
class AddressAdmin(RecordAdmin):
    list_display = (
        "person",
        "kind",
        "line_1",
        "town",
        "postcode",
        "from_date",
        "to_date",
        "protected",
    )
    list_filter = ("kind", "protected")
    # The address is encrypted (R16): a postcode is found through its blind index, a name as
    # usual; SQL can neither search nor sort the lines or town.
    search_fields = ("person__last_name", "person__first_name")
    sortable_by = ("person", "kind", "from_date", "to_date", "protected")
    raw_id_fields = ("person",)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            normalise_postcode(search_term)
        except ValidationError:
            return found, may_have_duplicates
        return found | queryset.with_postcode(search_term), may_have_duplicates


@admin.register(Family)
class FamilyAdmin(RecordAdmin):
    list_display = ("name", "reference", "created_at", "archived_at")
    search_fields = ("name", "reference")


@admin.register(FamilyMembership)
class FamilyMembershipAdmin(RecordAdmin):
    list_display = ("person", "family", "kind", "contact", "started_on", "ended_on")
    list_filter = ("kind", "contact")
    search_fields = ("person__last_name", "person__first_name", "family__name", "family__reference")
    raw_id_fields = ("person", "family")


@admin.register(Relationship)
class RelationshipAdmin(RecordAdmin):
    list_display = (
        "person",
        "kind",
        "other",
        "parental_responsibility",
        "is_main_carer",
        "started_on",
        "ended_on",
    )
    list_filter = ("kind", "parental_responsibility", "is_main_carer")
    search_fields = (
        "person__last_name",
        "person__first_name",
        "other__last_name",
        "other__first_name",
    )
    raw_id_fields = ("person", "other", "inverse")
