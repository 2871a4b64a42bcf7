"""Session limits, the second factor, and private responses.

- SessionLimitMiddleware: the absolute limit (10 hours by default) from the moment of
  signing in, and immediate sign-out of a user who has been disabled.
- RequireSecondFactorMiddleware: a signed-in user who has not yet entered a code from their
  authenticator app reaches only the sign-in steps; every other path sends them there.
- PrivateResponseMiddleware: responses to signed-in users are never stored by browsers or
  proxies (`Cache-Control: no-store`), and a strict Permissions-Policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SIGNED_IN_AT = "fwb_signed_in_at"

Handler = Callable[[HttpRequest], HttpResponse]


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("login"),
        reverse("logout"),
        reverse("login_code"),
        reverse("login_set_up"),
        settings.STATIC_URL,
        "/i18n/",
    )


class SessionLimitMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            now = time.time()
            if started is None:
                request.session[SIGNED_IN_AT] = now
            elif now - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(_exempt_prefixes())
        ):
            from django_otp import devices_for_user

            step = "login_code" if any(devices_for_user(user)) else "login_set_up"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class PrivateResponseMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        return response
