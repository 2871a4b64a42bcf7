"""Reference data in the Django admin: organisations, districts, services, teams, posts, workers.

System administrators manage these here. Nothing is deleted (records are archived), every
change is stamped with the administrator, and an edit made on a page someone else has since
saved is refused rather than silently overwriting their change.
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.fields import IntegerField, ModelChoiceField, ModelMultipleChoiceField
from familyworkbook.core.forms import GovukModelFormMetaclass
from familyworkbook.teams.models import (
    District,
    Organisation,
    Post,
    Service,
    Team,
    User,
    Worker,
)

AUDIT_FIELDS = ("created_at", "created_by", "modified_at", "modified_by", "version", "archived_at")

# The product's GOV.UK form renderer only knows the GOV.UK templates; the admin's widgets need
# Django's own widget templates, so admin forms render with Django's renderer.
ADMIN_RENDERER = DjangoTemplates()


class AdminModelForm(forms.ModelForm, metaclass=GovukModelFormMetaclass):
    default_renderer = ADMIN_RENDERER


class _RendersWithAdminTemplates:
    """A widget that, given no renderer, uses Django's templates rather than the GOV.UK ones.

    The admin's related-field wrapper (the "+" and pencil links) renders the widget it wraps
    without passing a renderer, which would fall back to the GOV.UK renderer.
    """

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        return super().render(name, value, attrs, renderer or ADMIN_RENDERER)  # type: ignore[misc]


@functools.cache
def _admin_rendered(widget_class: type) -> type:
    return type(widget_class.__name__, (_RendersWithAdminTemplates, widget_class), {})


class AdminRenderingMixin:
    """For every admin here: forms, widgets and the action bar render with Django's templates."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.widget.__class__ = _admin_rendered(type(widget.widget))
        return formfield

    # The admin's key fields refuse an id the database cannot hold, as every other form does.
    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", ModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class RecordAdminForm(AdminModelForm):
    """Carries the version the page was opened at, so a stale save is refused."""

    opened_version = IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opened = data.get("opened_version")
        if self.instance.pk and opened is not None:
            current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if current is not None and current.version != opened:
                raise ValidationError(
                    _(
                        "%(who)s changed this record after you opened it. Nothing has been saved: "
                        "reload the page to see their change, then make yours again."
                    )
                    % {"who": current.modified_by or _("Someone else")}
                )
        return data


class AdminActionForm(admin.helpers.ActionForm):
    default_renderer = ADMIN_RENDERER


class RecordAdmin(AdminRenderingMixin, admin.ModelAdmin):
    """Base admin for RecordModel: audit fields read-only, no delete, stamped saves."""

    form = RecordAdminForm
    action_form = AdminActionForm
    readonly_fields = AUDIT_FIELDS
    list_select_related = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.save_checked(
                by=request.user, expected_version=form.cleaned_data.get("opened_version")
            )
        else:
            obj.stamp(request.user)
            obj.save()


@admin.register(User)
class FamilyWorkbookUserAdmin(AdminRenderingMixin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "first_name", "last_name", "email")
    action_form = AdminActionForm

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # People who leave are made inactive: their name stays on everything they recorded.
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.default_renderer = ADMIN_RENDERER
        return form


@admin.register(Organisation)
class OrganisationAdmin(RecordAdmin):
    list_display = ("name", "kind", "ons_code", "archived_at")
    list_filter = ("kind",)
    search_fields = ("name", "ons_code")


@admin.register(District)
class DistrictAdmin(RecordAdmin):
    list_display = ("name", "council", "ons_code")
    list_filter = ("council",)
    search_fields = ("name", "ons_code")


@admin.register(Service)
class ServiceAdmin(RecordAdmin):
    list_display = ("name", "council")
    list_filter = ("council",)
    search_fields = ("name",)


@admin.register(Team)
class TeamAdmin(RecordAdmin):
    list_display = ("name", "kind", "district", "service", "archived_at")
    list_filter = ("kind", "district", "service")
    search_fields = ("name",)


@admin.register(Worker)
class WorkerAdmin(RecordAdmin):
    list_display = ("name", "role", "organisation", "employment_type", "swe_number", "left_on")
    list_filter = ("role", "employment_type", "organisation")
    search_fields = ("user__username", "user__first_name", "user__last_name", "swe_number")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user",)

    @admin.display(description=_("name"), ordering="user__last_name")
    def name(self, obj: Worker) -> str:
        return obj.name


class PostAdminForm(RecordAdminForm):
    class Meta:
        model = Post
        fields = (
            "role",
            "organisation",
            "fte",
            "teams",
            "holder",
            "vacant_since",
            "established_on",
            "disestablished_on",
        )

    def clean_teams(self) -> Any:
        teams = self.cleaned_data["teams"]
        if teams is not None and len(teams) > Post.MAX_TEAMS:
            raise ValidationError(_("A post can serve at most 3 teams"))
        return teams

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("holder") and data.get("vacant_since"):
            self.add_error("vacant_since", _("A filled post cannot also be vacant"))
        return data


@admin.register(Post)
class PostAdmin(RecordAdmin):
    form = PostAdminForm
    list_display = (
        "__str__",
        "role",
        "organisation",
        "fte",
        "holder",
        "vacant_since",
        "disestablished_on",
    )
    list_filter = ("role", "organisation", "teams")
    search_fields = ("holder__user__first_name", "holder__user__last_name")
    list_select_related = ("organisation", "holder__user")
    filter_horizontal = ("teams",)
    autocomplete_fields = ("holder",)
