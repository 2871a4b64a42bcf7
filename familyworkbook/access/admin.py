"""Grants, restrictions, alleged-perpetrator links, protection rules, consents and agreements
are managed in the admin (gated like every record model: `access.view_all_records`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from familyworkbook.access.models import (
    AccessGrant,
    BreakGlass,
    Consent,
    GrantKind,
    PerpetratorLink,
    ProtectionRule,
    RecordRestriction,
    SharingAgreement,
    SharingRecord,
)
from familyworkbook.people.admin import AdminForm, RecordAdmin


class AccessAdmin(RecordAdmin):
    raw_id_fields: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from familyworkbook import audit

        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            verb=audit.Verb.CHANGED if change else audit.Verb.CREATED,
            target=obj,
            data={"changes": audit.changes(before, obj)},
            request=request,
        )


class AccessGrantForm(AdminForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        now_protected = data.get("kind") == GrantKind.PROTECTED
        was = AccessGrant.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if now_protected and not (
            was is not None
            and was.kind == GrantKind.PROTECTED
            and was.user_id == getattr(data.get("user"), "pk", None)
            and was.person_id == getattr(data.get("person"), "pk", None)
        ):
            # R7: a new disclosure of protected details needs a second approver.
            raise ValidationError(
                "A grant to see protected details needs a second approver: ask through "
                "“Ask for someone to see protected details” on the person's page."
            )
        return data


@admin.register(AccessGrant)
class AccessGrantAdmin(AccessAdmin):
    form = AccessGrantForm
    list_display = ("user", "person", "kind", "starts_at", "ends_at", "revoked_at")
    list_filter = ("kind",)
    raw_id_fields = ("user", "person")


@admin.register(RecordRestriction)
class RecordRestrictionAdmin(AccessAdmin):
    list_display = ("person", "created_at", "lifted_at")
    raw_id_fields = ("person",)


@admin.register(PerpetratorLink)
class PerpetratorLinkAdmin(AccessAdmin):
    list_display = ("perpetrator", "survivor", "noted_on", "ended_on")
    raw_id_fields = ("perpetrator", "survivor")


@admin.register(ProtectionRule)
class ProtectionRuleAdmin(AccessAdmin):
    list_display = ("model_label", "flag_field", "fields", "description")


@admin.register(Consent)
class ConsentAdmin(AccessAdmin):
    list_display = ("person", "scope", "given_on", "withdrawn_on")
    raw_id_fields = ("person",)


@admin.register(SharingAgreement)
class SharingAgreementAdmin(AccessAdmin):
    list_display = ("name", "organisation", "starts_on", "ends_on")


@admin.register(SharingRecord)
class SharingRecordAdmin(AccessAdmin):
    list_display = ("family", "decision", "recipient", "lawful_basis", "decided_on")
    raw_id_fields = ("family", "person", "consent")


@admin.register(BreakGlass)
class BreakGlassAdmin(AccessAdmin):
    list_display = ("user", "family", "started_at", "expires_at", "reviewed_at")
    raw_id_fields = ("user", "family", "reviewed_by")
