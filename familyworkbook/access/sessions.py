"""R5 / ASVS 7.4.2: disabling an account ends every session it has, on the server.

A disabled user is already treated as signed out on their next request (Django's backend
refuses inactive users), but their session rows would linger until they expire. The receivers
here delete them the moment the account is saved as inactive, whichever path disabled it
(the admin, a management command, a service).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.utils import timezone


def end_sessions_of(user_id: int) -> int:
    """Delete every unexpired session that belongs to `user_id`; how many were ended."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def _remember_active(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    instance._fwb_was_active = (
        sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


def _end_sessions_when_disabled(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and getattr(instance, "_fwb_was_active", False) and not instance.is_active:
        end_sessions_of(instance.pk)


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_remember_active, sender=user_model, dispatch_uid="fwb_remember_active")
    post_save.connect(
        _end_sessions_when_disabled, sender=user_model, dispatch_uid="fwb_end_sessions"
    )
