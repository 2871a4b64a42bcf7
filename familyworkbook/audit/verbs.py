"""What happened, in the words an information-governance officer would use.

Kept apart from models.py so `familyworkbook.audit` can export `Verb` at import time, before
Django's app registry is ready (the package is imported while apps load).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    # Reading: every read of a person's or family's record is evidence of who knew what.
    VIEWED = "viewed", _("viewed")
    SEARCHED = "searched", _("searched")
    # Writing.
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    ARCHIVED = "archived", _("archived")
    RESTORED = "restored", _("restored from archive")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")
    APPROVED = "approved", _("approved")
    # Information leaving the team (the sharing log records the why; this records the act).
    EXPORTED = "exported", _("exported")
    PRINTED = "printed", _("printed")
    DOWNLOADED = "downloaded", _("downloaded")
    SHARED = "shared", _("shared")
    NOT_SHARED = "not_shared", _("decided not to share")
    PUBLISHED = "published", _("published to the family")
    # Signing in and access decisions.
    SIGNED_IN = "signed_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("failed to sign in")
    SIGNED_OUT = "signed_out", _("signed out")
    ACCESS_DENIED = "access_denied", _("was refused access")
    BREAK_GLASS = "break_glass", _("used emergency access")


# Verbs that mean the actor had the record in front of them: "who has seen this record"
# counts people who changed, exported or printed it, not only those who opened the page.
SEEING_VERBS: frozenset[str] = frozenset(
    {
        Verb.VIEWED,
        Verb.CREATED,
        Verb.CHANGED,
        Verb.ARCHIVED,
        Verb.RESTORED,
        Verb.CLOSED,
        Verb.REOPENED,
        Verb.APPROVED,
        Verb.EXPORTED,
        Verb.PRINTED,
        Verb.DOWNLOADED,
        Verb.SHARED,
        Verb.PUBLISHED,
        Verb.BREAK_GLASS,
    }
)
