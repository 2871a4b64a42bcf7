"""SECURITY-REQUIREMENTS R3, R5, R11, R12 and R15, each tested where it could fail.

Timings are not asserted here: bench/access.py measures them (R3, R11).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, quote_plus

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from familyworkbook.access.models import AccessGrant
from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step
from familyworkbook.access.tests.test_url_matrix import PUBLIC, site_patterns, url_for
from familyworkbook.access.tests.world import (
    CANARIES,
    CANARY_GP,
    CANARY_LINE,
    CANARY_POSTCODE,
    CANARY_SCHOOL,
    build_world,
)
from familyworkbook.cases.models import Allocation
from familyworkbook.demo import builders
from familyworkbook.people.models import Address, Registration
from familyworkbook.teams.models import Role

HOME = reverse("cases:my_caseload")


@pytest.fixture
def world(db):
    return build_world()


def normalised(response, *echoes: str) -> str:
    """The page with what varies per request (CSRF tokens, nonces) and the typed query removed."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'nonce="[^"]+"', "", text)
    for echo in echoes:
        for form in (quote_plus(echo), quote(echo), escape(echo), echo):
            text = text.replace(form, "«query»")
    return text


# --- R11: passwords ------------------------------------------------------------------------


def test_passwords_are_at_least_12_characters_and_may_be_long():
    with pytest.raises(ValidationError):
        validate_password("kestrel map")  # 11
    validate_password("kestrel maps")  # 12
    validate_password("a long passphrase about kestrels and maple trees " * 3)  # 150


def test_breached_passwords_are_refused_offline():
    # Django's list of 20,000 passwords seen in breaches (no network, no HIBP call).
    for breached in ["password123456", "qwerty123456789", "asdfghjkl123", "cookiemonster"]:
        with pytest.raises(ValidationError):
            validate_password(breached)


def test_no_composition_rules_for_letters():
    # Lower case only, spaces, no digits or symbols: allowed (ASVS 6.2.5).
    validate_password("correct horse battery staple")
    validate_password("ünïcödé pässphråsé wörks")


def test_a_long_all_digit_password_is_allowed():
    validate_password("7306 4419 2285 9917".replace(" ", ""))


# --- R12: sessions and caching --------------------------------------------------------------


def test_every_authenticated_response_says_no_store(world, signed_in):
    """One persona (a social worker in the family's team) across every page of the site."""
    worker = builders.worker("nora", role=Role.SOCIAL_WORKER, teams=[world.north])
    client = signed_in(Client(), worker)
    missing, checked = [], 0
    for pattern in site_patterns():
        if pattern.name in PUBLIC:
            continue
        response = client.get(url_for(pattern, world.ava, world))
        responses = [response]
        if is_disclosure_step(response):
            responses.extend(disclose_and_fetch(client, response))
        for each in responses:
            checked += 1
            if "no-store" not in each.get("Cache-Control", ""):
                missing.append(f"{pattern.name}: {each.status_code} {each.get('Cache-Control')}")
    assert checked > 100
    assert not missing, "\n".join(missing)


def test_sign_out_ends_the_session_on_the_server(world, signed_in):
    client = signed_in(Client(), world.lead)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    response = replay.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- R5: changes take effect on the next request --------------------------------------------


def test_ending_a_personal_allocation_takes_effect_on_the_next_request(world, signed_in):
    outsider = builders.worker("olly", role=Role.SOCIAL_WORKER, teams=[world.south])
    allocation = Allocation.objects.create(
        case=world.case, worker=outsider, role=Role.SOCIAL_WORKER, started_on="2025-09-02"
    )
    client = signed_in(Client(), outsider)
    url = reverse("cases:family", args=[world.family.pk])
    assert client.get(url).status_code == 200
    Allocation.objects.filter(pk=allocation.pk).update(ended_on="2025-10-01")
    assert client.get(url).status_code == 404


def test_a_role_change_takes_effect_on_the_next_request(world, signed_in):
    dana = builders.worker("dana", role=Role.DA_SURVIVOR_WORKER, teams=[world.north])
    AccessGrant.objects.create(
        user=dana.user, person=world.survivor, kind="protected", reason="Safety plan"
    )
    client = signed_in(Client(), dana)
    url = reverse("cases:person", args=[world.survivor.pk])
    assert CANARY_LINE in client.get(url).content.decode()
    type(dana).objects.filter(pk=dana.pk).update(role=Role.DA_PERPETRATOR_WORKER)
    assert CANARY_LINE not in client.get(url).content.decode()


def test_disabling_an_account_ends_all_its_sessions(world, signed_in):
    laptop = signed_in(Client(), world.lead)
    phone = signed_in(Client(), world.lead)
    other = signed_in(Client(), builders.worker("keep", role=Role.SOCIAL_WORKER))
    keys = [laptop.session.session_key, phone.session.session_key]
    assert Session.objects.filter(session_key__in=keys).count() == 2
    user = world.lead.user
    user.is_active = False
    user.save()
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert Session.objects.filter(session_key=other.session.session_key).exists()
    for client in (laptop, phone):
        response = client.get(HOME)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- R3: no leak through existence or counts ------------------------------------------------


def test_searching_a_protected_value_looks_like_searching_nothing(world, signed_in):
    pat = builders.worker("pat", role=Role.DA_PERPETRATOR_WORKER, teams=[world.north])
    nora = builders.worker("nora", role=Role.SOCIAL_WORKER, teams=[world.north])
    search = reverse("people:search")
    pairs = [
        (CANARY_POSTCODE, "ZZ8 8ZZ"),
        (CANARY_SCHOOL, "Ravenfield Absent Primary"),
        (CANARY_GP, "Nowhere Absent Surgery"),
        (CANARY_LINE, "9 Nonexistent Refuge Road"),
    ]
    for worker in (pat, nora):
        client = signed_in(Client(), worker)
        for held, absent in pairs:
            found = client.get(search, {"q": held})
            missing = client.get(search, {"q": absent})
            assert found.status_code == missing.status_code == 200
            assert normalised(found, held) == normalised(missing, absent), (worker, held)


def test_counts_and_pages_do_not_change_when_protected_rows_are_added(world, signed_in):
    """Differential: the same pages before and after more protected rows are recorded."""
    pat = builders.worker("pat", role=Role.DA_PERPETRATOR_WORKER, teams=[world.north])
    nora = builders.worker("nora", role=Role.SOCIAL_WORKER, teams=[world.north])
    pages = {
        pat: [
            reverse("cases:person", args=[world.survivor.pk]),
            reverse("cases:person", args=[world.ava.child.pk]),
            reverse("cases:family", args=[world.family.pk]),
            reverse("cases:team_caseload", args=[world.north.pk]),
            HOME,
        ],
        nora: [
            reverse("cases:family", args=[world.family.pk]),
            reverse("cases:team_caseload", args=[world.north.pk]),
            HOME,
        ],
    }
    clients = {w: signed_in(Client(), w) for w in pages}
    before = {(w, u): normalised(clients[w].get(u)) for w, urls in pages.items() for u in urls}
    Address.objects.create(
        person=world.survivor,
        kind="safe",
        line_1="8 Second Refuge Row",
        town="Elsewhere",
        postcode="ZZ7 7ZZ",
        from_date="2025-08-01",
        protected=True,
    )
    for kind in ("school", "gp"):
        Registration.objects.create(
            person=world.ava.child,
            kind=kind,
            name=f"Second hidden {kind}",
            from_date="2025-08-01",
            hidden=True,
        )
    Registration.objects.create(
        person=world.survivor,
        kind="gp",
        name="Survivor's hidden GP",
        from_date="2025-08-01",
        hidden=True,
    )
    changed = [
        (w.user.username, u)
        for (w, u), html in before.items()
        if normalised(clients[w].get(u)) != html
    ]
    assert not changed


# --- R15: nothing from the record in error pages or logs ------------------------------------


def test_a_server_error_on_a_page_holding_the_canary_leaks_nothing(
    world, signed_in, caplog, monkeypatch
):
    from familyworkbook.cases import selectors, views

    dana = builders.worker("dana", role=Role.SOCIAL_WORKER, teams=[world.north])
    AccessGrant.objects.create(
        user=dana.user, person=world.survivor, kind="protected", reason="Safety plan"
    )
    AccessGrant.objects.create(
        user=dana.user, person=world.ava.child, kind="protected", reason="Education plan"
    )
    real = selectors.person_page

    def failing(user, person):  # the canary is loaded, then the page fails
        page = real(user, person)
        assert page.addresses or page.registrations
        raise RuntimeError("person page failed")

    monkeypatch.setattr(views, "person_page", failing, raising=False)
    monkeypatch.setattr(selectors, "person_page", failing)
    client = signed_in(Client(raise_request_exception=False), dana)
    with caplog.at_level(logging.DEBUG):
        for person in (world.survivor, world.ava.child):
            response = client.get(reverse("cases:person", args=[person.pk]))
            assert response.status_code == 500
            body = response.content.decode() + str(response.headers)
            assert not [c for c in CANARIES if c in body]
    assert "person page failed" in caplog.text  # the error was logged...
    assert not [c for c in CANARIES if c in caplog.text]  # ...without the record


def test_a_failed_post_holding_the_canary_is_not_logged(world, signed_in, caplog, monkeypatch):
    from familyworkbook.people import services

    def failing(*args, **kwargs):
        raise RuntimeError("address service failed")

    monkeypatch.setattr(services, "add_address", failing)
    client = signed_in(Client(raise_request_exception=False), world.lead)
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            reverse("people:add_address", args=[world.ava.child.pk]),
            {
                "kind": "safe",
                "line_1": CANARY_LINE,
                "town": "Canarytown",
                "postcode": CANARY_POSTCODE,
                "from_date_day": "1",
                "from_date_month": "6",
                "from_date_year": "2025",
                "protected": "on",
                "confirm_exposure": "1",
            },
        )
    assert response.status_code == 500
    assert "address service failed" in caplog.text
    assert not [c for c in CANARIES if c in caplog.text + response.content.decode()]


def test_logging_sends_no_request_bodies_anywhere():
    handlers = settings.LOGGING.get("handlers", {})
    # AdminEmailHandler mails the request (POST data, settings, locals): not configured.
    assert not [h for h in handlers.values() if "AdminEmailHandler" in h.get("class", "")]
    assert not settings.DEBUG
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER.endswith("SafeExceptionReporterFilter")
