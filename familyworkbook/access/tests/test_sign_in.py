"""The real sign-in path: password, then a TOTP code; lockout; session limits; headers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyworkbook.access.middleware import SIGNED_IN_AT
from familyworkbook.audit.models import AuditEvent
from familyworkbook.demo.builders import DEMO_PASSWORD

HOME = reverse("cases:my_caseload")


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def password_step(client, username="sam", password=DEMO_PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_first_sign_in_sets_up_an_authenticator_then_lets_them_in(client, sam):
    response = password_step(client)
    assert response.status_code == 302
    after_password = client.cookies["sessionid"].value
    # A password alone reaches nothing: every page sends them to set up the app.
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("login_set_up"))
    page = client.get(response.url)
    html = page.content.decode()
    assert "<svg" in html and "Set up your authenticator app" in html
    device = TOTPDevice.objects.get(user=sam.user, confirmed=False)
    response = client.post(page.request["PATH_INFO"], {"token": code_for(device), "next": HOME})
    assert response.status_code == 302 and response.url == HOME
    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert client.cookies["sessionid"].value != after_password  # rotated at the second factor


def test_a_wrong_code_is_refused_and_audited(client, sam):
    device = TOTPDevice.objects.create(user=sam.user, name="Phone", confirmed=True)
    password_step(client)
    response = client.get(HOME)
    assert response.url.startswith(reverse("login_code"))
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("login_code"), {"token": wrong})
    assert "The code is not right" in response.content.decode()
    assert client.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(verb="sign_in_failed", actor=sam.user).exists()


def test_the_right_code_lets_them_in_once(client, sam):
    device = TOTPDevice.objects.create(user=sam.user, name="Phone", confirmed=True)
    password_step(client)
    code = code_for(device)
    response = client.post(reverse("login_code"), {"token": code, "next": HOME})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    # The same code cannot be used again (django-otp remembers the last time step).
    client.post(reverse("logout"))
    password_step(client)
    response = client.post(reverse("login_code"), {"token": code})
    assert response.status_code == 200 and "already been used" in response.content.decode()


def test_session_key_is_rotated_at_sign_in(client, sam):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session"
    password_step(client)
    assert client.cookies["sessionid"].value != "attacker-chosen-session"


def test_lockout_reads_the_same_for_real_and_made_up_usernames(client, sam):
    def lock(username):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            password_step(client, username=username, password="wrong-password-123")
        return password_step(client, username=username, password="wrong-password-123")

    real = lock("sam")
    from axes.utils import reset

    reset()
    made_up = lock("nobody-here")
    assert real.status_code == made_up.status_code == 429

    def shape(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert shape(real) == shape(made_up)
    # Locked even with the right password.
    reset(ip="127.0.0.1")
    assert lock("sam").status_code == 429
    assert password_step(client).status_code == 429


def test_a_disabled_user_loses_access_on_their_next_request(client, signed_in, sam, smith_case):
    signed_in(client, sam)
    assert client.get(HOME).status_code == 200
    sam.user.is_active = False
    sam.user.save()
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_removed_from_the_team_loses_the_family_on_the_next_request(
    client, signed_in, sam, smith_case
):
    from familyworkbook.cases.models import Allocation
    from familyworkbook.teams.models import Post

    url = reverse("cases:family", args=[smith_case.family_id])
    signed_in(client, sam)
    assert client.get(url).status_code == 200
    Post.objects.filter(holder=sam).update(disestablished_on="2025-10-01")
    Allocation.objects.filter(worker=sam).update(ended_on="2025-10-01")
    assert client.get(url).status_code == 404


def test_sessions_end_after_the_absolute_limit(client, signed_in, sam):
    signed_in(client, sam)
    assert client.get(HOME).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_idle_timeout_is_thirty_minutes_renewed_by_each_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60


def test_pages_carry_a_strict_csp_and_no_store(sam_client, smith_case):
    response = sam_client.get(HOME)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html


def test_production_settings_pass_the_deploy_checks(tmp_path: Path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FWB_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x7#Qp2!vL9@mZ4$wR8^tY6&uI3*oP1(aS5)dF0_gH-jK+lZ=cX" * 2,
            "DJANGO_ALLOWED_HOSTS": "workbook.example.gov.uk",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "FWB_FIELD_ENCRYPTION_KEYS": "Q2hhbmdlLW1lLWluLXByb2R1Y3Rpb24tMzItYnl0ZXM=",
            "FWB_BLIND_INDEX_KEY": "a-long-random-blind-index-key-for-the-deploy-check",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FWB_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "false"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("name", ["cases:my_caseload", "people:search", "admin:index"])
def test_a_password_only_session_reaches_no_page(client, sam, name):
    password_step(client)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith((reverse("login_set_up"), reverse("login_code")))
