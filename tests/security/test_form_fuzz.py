"""R24's "0 server errors per operation", for the HTML forms (the partner API, which would
have an OpenAPI schema for schemathesis, is not built yet).

Every URL pattern of the site is opened in the URL-matrix world (the Smiths, with every kind
of statutory record) as each role; every form the pages hold that posts back to the site is
collected with its fields, its choices and its hidden version. Then, for each form and role,
hypothesis posts generated answers: unicode and huge text, missing fields, impossible dates,
negative and enormous numbers, SQL and HTML injection strings, choices the form did not offer,
stale, future and nonsense versions, with the CSRF token taken from the page. Each answer:

- never gets a 5xx;
- when it is refused (4xx, or the form re-shown with errors) changes no row of any product
  table (the audit trail may record that the page was read);
- never reflects an injected `<script>` or event-handler tag unescaped.

Each example runs in a savepoint that is rolled back, so every post meets the same world.

    FWB_FUZZ_EXAMPLES   examples per form and role (2 by default; 1,000 for the R24 figure)
    FWB_FUZZ_ROLES      comma-separated personas (default: a social worker, a team manager,
                        a system administrator, information governance); "all" for every one
    FWB_FUZZ_ONLY       run only forms whose URL name contains this text
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from familyworkbook.access.tests.test_url_matrix import (
    IG_PERSONA,
    PERSONAS,
    PUBLIC,
    make_user,
    site_patterns,
    url_for,
)
from familyworkbook.access.tests.world import build_world
from familyworkbook.core.models import RecordModel
from familyworkbook.teams.models import Role

EXAMPLES = int(os.environ.get("FWB_FUZZ_EXAMPLES", "2"))
_roles = os.environ.get("FWB_FUZZ_ROLES", "")
ROLES = (
    PERSONAS
    if _roles == "all"
    else [r for r in _roles.split(",") if r]
    or [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SYSTEM_ADMIN, IG_PERSONA]
)
ONLY = os.environ.get("FWB_FUZZ_ONLY", "")

# Posting these would end the session or change who is signed in: not forms about records.
SKIP = {"logout", "login", "login_code", "login_set_up", "set_language"}

XSS = "<script>alert('fwb-xss')</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
NASTY = [
    "'; DROP TABLE people_person; --",
    "' OR '1'='1",
    "1 UNION SELECT password FROM teams_user --",
    XSS,
    XSS_ATTR,
    "{{ settings.SECRET_KEY }}",
    "Zoë 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 中文 \u202eevil\u202c",
    "with a \x00 null",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2025-02-30",
    "31/02/2025",
    "",
    "   ",
    "\r\n",
]
HUGE = ["x" * 100_000, "€" * 20_000, "9" * 5_000]
# Reflections that would mean injected markup reached the page unescaped.
UNESCAPED = ("<script>alert('fwb-xss')", "<img src=x onerror")


@dataclass(frozen=True)
class Field:
    name: str
    value: str  # what the page filled in (or the first offered choice)
    options: tuple[str, ...] = ()  # offered choices for select/radio/checkbox
    hidden: bool = False


@dataclass(frozen=True)
class FormSpec:
    role: str
    page: str  # the URL name of the page the form was on
    page_url: str
    action: str
    target: str  # the URL name the form posts to
    fields: tuple[Field, ...]


def _fields(form: Any) -> tuple[Field, ...]:
    found: dict[str, Field] = {}
    for el in form.inputs:
        name = el.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        tag = el.tag
        kind = (el.get("type") or "text").lower() if tag == "input" else tag
        if kind in {"submit", "button", "image", "file", "reset"}:
            continue
        if tag == "select":
            options = tuple(o.get("value", o.text_content()) for o in el.iter("option"))
            value = el.value if isinstance(el.value, str) else (options[0] if options else "")
            found[name] = Field(name, value or "", options)
        elif kind in {"radio", "checkbox"}:
            prev = found.get(name)
            options = (*(prev.options if prev else ()), el.get("value", "on"))
            checked = el.get("value", "on") if el.checked else (prev.value if prev else "")
            found[name] = Field(name, checked, options)
        else:
            found[name] = Field(name, el.value or "", (), kind == "hidden")
    return tuple(found.values())


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def discover(client: Client, role: str, world: Any) -> list[FormSpec]:
    """Open every site page as this role and collect the forms that post back to the site."""
    specs: dict[tuple[str, str], FormSpec] = {}
    for pattern in site_patterns():
        if pattern.name in PUBLIC or pattern.name in SKIP:
            continue
        url = url_for(pattern, world.ava, world)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        doc = lxml.html.document_fromstring(response.content)
        for form in doc.forms:
            if (form.method or "GET").upper() != "POST":
                continue
            action = urlsplit(form.get("action") or url).path or url
            if not action.startswith("/"):
                continue
            target = _url_name(action)
            if target is None or target.split(":")[-1] in SKIP or target.startswith("admin:"):
                continue
            if ONLY and ONLY not in target and ONLY not in pattern.name:
                continue
            key = (action, target)
            if key not in specs:
                specs[key] = FormSpec(role, pattern.name, url, action, target, _fields(form))
    return list(specs.values())


def value_strategy(field: Field) -> st.SearchStrategy[str | None]:
    """Answers for one field: the page's own value, a valid choice, or something hostile."""
    hostile = st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(HUGE),
        st.text(max_size=40),
        st.integers(min_value=-(2**63), max_value=2**63).map(str),
    )
    own = st.just(field.value)
    if field.name == "version" or field.name.endswith("version"):
        v = int(field.value) if field.value.lstrip("-").isdigit() else 1
        stale = st.sampled_from([str(v - 1), str(v + 1), "-1", "0", "abc", str(2**64), ""])
        return st.one_of(own, stale, st.none())
    if field.options:
        return st.one_of(own, st.sampled_from(field.options), hostile, st.none())
    return st.one_of(own, hostile, st.none())


def answers(spec: FormSpec) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({f.name: value_strategy(f) for f in spec.fields}).map(
        lambda d: {k: v for k, v in d.items() if v is not None}  # None: leave the field out
    )


# Rows a refused post may write on purpose, and why.
WRITTEN_ON_REFUSAL = {
    # The add-entry page keeps whatever was typed as the worker's draft, even when the form
    # is re-shown with errors, so nothing typed is lost (workbook.views.add_entry).
    "workbook.EntryDraft",
}
PRODUCT_MODELS = [
    m
    for m in apps.get_models()
    if m.__module__.startswith("familyworkbook.")
    and m._meta.app_label != "audit"
    and m._meta.label not in WRITTEN_ON_REFUSAL
]


def _snapshot_sql() -> tuple[str, list[str]]:
    parts, labels = [], []
    for model in PRODUCT_MODELS:
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608 - quoted model tables
        labels.append(f"{model._meta.label} rows")
        if issubclass(model, RecordModel):
            # Archiving and editing change no count: the archived count and the last change do.
            parts.append(f"(SELECT COUNT(archived_at) FROM {table})")  # noqa: S608
            parts.append(f"(SELECT MAX(modified_at) FROM {table})")  # noqa: S608
            labels += [f"{model._meta.label} archived", f"{model._meta.label} last change"]
    return "SELECT " + ", ".join(parts), labels


def snapshot() -> dict[str, Any]:
    """Rows, archived rows and the last change of every product table, in one query (audit
    excluded: reads are recorded, which is not a change to the record)."""
    sql, labels = _snapshot_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(labels, cursor.fetchone(), strict=True))


def csrf_token(client: Client, url: str) -> str:
    page = client.get(url)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    return match.group(1).decode() if match else ""


class UndoError(Exception):
    """Raised to roll an example's savepoint back."""


STATS: Counter[str] = Counter()


def fuzz_form(client: Client, spec: FormSpec, token: str) -> list[str]:
    """Post `EXAMPLES` generated answers to one form; return what went wrong."""
    problems: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # report every form's first problem, not a shrunk one
        suppress_health_check=list(HealthCheck),
    )
    @given(data=answers(spec))
    def post(data: dict[str, Any]) -> None:
        try:
            with transaction.atomic():
                before = snapshot()
                response = client.post(spec.action, {**data, "csrfmiddlewaretoken": token})
                status = response.status_code
                STATS[str(status)] += 1
                where = f"{spec.role} {spec.target} ({spec.action}) from {spec.page}"
                if status >= 500:
                    problems.append(f"{where}: {status} for {sorted(data)}")
                body = response.content.decode(errors="replace")
                if any(tag in body for tag in UNESCAPED):
                    problems.append(f"{where}: injected markup reflected unescaped")
                refused = 400 <= status < 500 or (status == 200 and "govuk-error-summary" in body)
                if refused:
                    after = snapshot()
                    changed = [k for k in before if before[k] != after[k]]
                    if changed:
                        problems.append(f"{where}: refused with {status} but changed {changed}")
                raise UndoError
        except UndoError:
            pass

    post()
    return problems


def test_every_form_survives_hostile_answers(db, signed_in):
    world = build_world()
    problems: list[str] = []
    forms = 0
    for role in ROLES:
        user = make_user(role, "involved", world)
        client = signed_in(Client(enforce_csrf_checks=True, raise_request_exception=False), user)
        started = time.monotonic()
        specs = discover(client, role, world)
        print(f"form fuzz: {role}: {len(specs)} forms found in {time.monotonic() - started:.0f} s")
        forms += len(specs)
        # One token serves every post: the CSRF cookie stays the same until sign-in changes.
        token = csrf_token(client, specs[0].page_url) if specs else ""
        for spec in specs:
            problems.extend(fuzz_form(client, spec, token))
    print(
        f"form fuzz: {len(ROLES)} roles, {forms} (form, role) pairs, {EXAMPLES} examples each, "
        f"statuses {dict(sorted(STATS.items()))}"
    )
    assert forms > 10 or ONLY  # the walk found the site's forms (unless narrowed on purpose)
    assert sum(STATS.values()) >= forms * min(EXAMPLES, 1)
    assert not problems, "\n".join(problems[:50])
