"""Documents drafted from the record, their written sections, frozen versions, shares,
parents' comments and redactions.

A Document is a draft: built afresh from the record each time it is read, with the
sections a professional writes stored here (WrittenSection). Filing, sharing or signing
freezes a DocumentVersion: the rendered HTML and the structured content (every fact with its
source) with a sha256 over both; it never changes afterwards, whatever happens to the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.encryption import EncryptedJSONField, EncryptedTextField
from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.documents.facts import Basis
from familyworkbook.people.models import Family, Person


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed")
    SHARED = "shared", _("Shared")
    SIGNED = "signed", _("Signed")


class DocumentQuerySet(ArchivableQuerySet):
    def visible_to(self, user) -> DocumentQuerySet:  # type: ignore[no-untyped-def]
        """Documents of families this user may see (the access policy decides)."""
        return self.filter(archived_at__isnull=True, family__in=Family.objects.visible_to(user))


class Document(RecordModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="documents")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    child = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Another record the document is about (a meeting, an intervention): app label and pk.
    subject_type = models.CharField(_("about (record type)"), max_length=60, blank=True)
    subject_id = models.PositiveBigIntegerField(_("about (record)"), null=True, blank=True)
    type_key = models.CharField(_("document type"), max_length=60)
    schema_version = models.PositiveIntegerField(_("schema version"))
    title = models.CharField(_("title"), max_length=200)
    window_start = models.DateField(_("from"), null=True, blank=True)
    window_end = models.DateField(_("to"), null=True, blank=True)
    event_on = models.DateField(
        _("date of the conference or hearing"),
        null=True,
        blank=True,
        help_text=_("Used to check the report reaches the family in time."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["family", "type_key"], name="document_family_type_idx")]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:document", args=[self.family_id, self.pk])


class WrittenSection(RecordModel):
    """A section a named professional writes; versioned, so a stale edit is refused."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="written")
    key = models.CharField(_("section"), max_length=60)
    text = models.TextField(_("text"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="written_section_once")
        ]
        verbose_name = _("written section")

    def __str__(self) -> str:
        return f"{self.key} of document {self.document_id}"


class FreezeReason(models.TextChoices):
    FILED = "filed", _("Filed")
    SHARED = "shared", _("Shared")
    SIGNED = "signed", _("Signed")


class DocumentVersion(models.Model):
    """A frozen snapshot. Written once, never updated: there is no service that changes one."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    reason = models.CharField(_("why frozen"), max_length=10, choices=FreezeReason.choices)
    recipient = models.CharField(_("rendered for"), max_length=200, blank=True)
    # Encrypted at rest (R16): a version rendered for a grant holder can hold a safe address,
    # a hidden child's school or a health detail.
    html = EncryptedTextField()
    content = EncryptedJSONField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(_("pages"), null=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    frozen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once")
        ]
        verbose_name = _("document version")

    def __str__(self) -> str:
        return f"{self.document.title}, version {self.number}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise TypeError("A frozen document version never changes: freeze a new one")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("A frozen document version is kept")


class Method(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    EMAIL = "email", _("By secure email")


class Share(RecordModel):
    """A frozen version given to someone; also recorded in the sharing log (access app)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="shares")
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="shares")
    recipient_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("family member"),
    )
    recipient_name = models.CharField(_("professional or organisation"), max_length=200, blank=True)
    purpose = models.TextField(_("why"))
    lawful_basis = models.CharField(_("lawful basis"), max_length=30)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    shared_on = models.DateField(_("date shared"))
    sharing_record = models.ForeignKey(
        "access.SharingRecord", on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-shared_on", "-pk"]
        verbose_name = _("share")

    def __str__(self) -> str:
        return f"Shared with {self.recipient_label} on {self.shared_on:%d %b %Y}"

    @property
    def recipient_label(self) -> str:
        return self.recipient_person.full_name if self.recipient_person else self.recipient_name


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    DISAGREEMENT = "disagreement", _("Disagreement")
    CORRECTION = "correction", _("Factual correction asked for")


class ParentComment(RecordModel):
    """What a parent says about the report; it travels with every later render."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="comments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=CommentKind.choices)
    section_key = models.CharField(_("about the section"), max_length=60, blank=True)
    text = models.TextField(_("what they said"))
    received_on = models.DateField(_("date received"))

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("parent's comment")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.person.full_name}"


class Redaction(RecordModel):
    """A section, or one fact (by its source), left out of the shared document, with the
    safeguarding reason recorded and who agreed it."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="redactions")
    section_key = models.CharField(_("section"), max_length=60)
    source_ref = models.CharField(
        _("fact (source reference)"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty to redact the whole section."),
    )
    reason = models.TextField(_("safeguarding reason"))
    agreed_by = models.CharField(_("agreed with"), max_length=200)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="redaction_has_reason")
        ]
        verbose_name = _("redaction")

    def __str__(self) -> str:
        return f"Redaction in {self.section_key}"


class FactStatus(RecordModel):
    """How this document presents one record's fact: its basis (observed, reported, disputed,
    a court finding) as the author confirms it, when the record itself does not say."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="fact_statuses")
    source_ref = models.CharField(_("fact (source reference)"), max_length=120)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "source_ref"], name="fact_status_once")
        ]
        verbose_name = _("fact status")

    def __str__(self) -> str:
        return f"{self.source_ref}: {self.basis}"
