"""Signing in: the password step (Django's), the code step (django-otp TOTP), set-up of an
authenticator app, and the lockout page django-axes shows.

Messages never say whether a username exists: a wrong username, a wrong password and a
locked username read the same to someone guessing.
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyworkbook import audit
from familyworkbook.core.forms import GovukForm


class CodeForm(GovukForm):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6-digit code, for example 123456"),
        max_length=8,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Enter the 6-digit code from your authenticator app"))
        return token


def _next(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("cases:my_caseload")


def _verified(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    # A new session key once the second factor is in: nothing from before survives.
    request.session.cycle_key()
    audit.record(
        actor=request.user,
        verb=audit.Verb.SIGNED_IN,
        data={"step": "second factor"},
        request=request,
    )
    return redirect(_next(request))


WRONG_CODE = _("The code is not right, or it has already been used. Enter the newest code.")


@login_required
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=True)
    if not devices.exists():
        return redirect(f"{reverse('login_set_up')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_is_allowed()[0] and device.verify_token(form.cleaned_data["token"]):
                return _verified(request, device)
        audit.record(
            actor=request.user,
            verb=audit.Verb.SIGN_IN_FAILED,
            data={"step": "second factor"},
            request=request,
        )
        form.add_error("token", WRONG_CODE)
    return render(request, "core/sign_in_code.html", {"form": form, "next": _next(request)})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """First sign-in: add the account to an authenticator app, then prove it with a code."""
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect(f"{reverse('login_code')}?{request.GET.urlencode()}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=str(_("Authenticator app")), confirmed=False
        )
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _verified(request, device)
        form.add_error("token", WRONG_CODE)
    secret = base64.b32encode(device.bin_key).decode()
    context: dict[str, Any] = {
        "form": form,
        "next": _next(request),
        "qr_svg": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "core/sign_in_set_up.html", context)


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes: too many failed attempts for this username (existing or not)."""
    return render(request, "core/sign_in_locked.html", status=429)
