"""Sign-in events, recorded from the signals Django's auth framework sends.

Domain code never audits through signals (a missed signal fails silently); these are the
exception because Django, not our code, decides when someone signs in or out.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from familyworkbook.audit.verbs import Verb


def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from familyworkbook.audit.services import record

    record(actor=user, verb=Verb.SIGNED_IN, request=request)


def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from familyworkbook.audit.services import record

    # user is None when someone who was not signed in visits the sign-out page: nothing
    # happened to any account, so there is nothing to record.
    if user is None:
        return
    record(actor=user, verb=Verb.SIGNED_OUT, request=request)


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Record the username tried, never the password (Django has already masked it).

    The actor stays empty even when the username exists: the attempt was made by whoever
    typed it, not by that account's owner.
    """
    from familyworkbook.audit.services import record

    username_field = get_user_model().USERNAME_FIELD
    attempted = str(credentials.get(username_field, "") or "")[:150]
    record(actor=None, verb=Verb.SIGN_IN_FAILED, data={"username": attempted}, request=request)
