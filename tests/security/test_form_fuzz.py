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

Reproducible (issue 25): the generated answers come from a seed, printed at the start, and each
form's examples from that seed and the form's name, so the same seed posts the same answers to
the same forms. `make test` uses a fixed seed; `make fuzz` draws a new one each time and prints
it. Besides the generated answers, every form gets the hostile values that found real server
errors (`REGRESSIONS`) on every run, and every page gets them in its query string.

    FWB_FUZZ_EXAMPLES   generated examples per form and role (2 by default; `make fuzz`: 200)
    FWB_FUZZ_SEED       the seed (25 by default); "random" draws one and prints it
    FWB_FUZZ_ROLES      comma-separated personas (default: a social worker, a team manager,
                        a system administrator, information governance); "all" for every one
    FWB_FUZZ_ONLY       run only forms whose URL name contains this text
"""

from __future__ import annotations

import os
import random
import re
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import lxml.html
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, seed, settings
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
_seed = os.environ.get("FWB_FUZZ_SEED", "25")
SEED = random.SystemRandom().randrange(2**31) if _seed == "random" else int(_seed)


def form_seed(*names: str) -> int:
    """One form's (or page's) seed: the run's seed and the form's names, not its ids, which
    differ between databases and runs."""
    return zlib.crc32(":".join([str(SEED), *names]).encode())


def repeat_with(role: str, target: str) -> str:
    return f"repeat: FWB_FUZZ_SEED={SEED} FWB_FUZZ_ROLES={role} FWB_FUZZ_ONLY={target}"


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

# Values that found real server errors, posted to every form on every run (the generated
# answers may not draw them again). Each with what it found.
REGRESSIONS = {
    # 2026-12 (issue 25): an id past 64 bits in a (multiple) choice field reached SQLite as an
    # int it cannot convert: OverflowError in ModelMultipleChoiceField._check_values.
    # 2026-11: the same in a day, month or year: OverflowError in the date input.
    "99999999999999999999999": "an id (or date part) beyond the database's integer range",
    str(2**63): "one past the largest bigint",
    # 2026-11: PostgreSQL's jsonb and text refuse NUL: the add-entry draft was a 500.
    "with a \x00 null": "a NUL character (PostgreSQL)",
    # Non-ASCII digits: int() reads them; a key column does not hold them as typed.
    "١٢٣": "Arabic-Indic digits",
    "abc": "text where an id is expected (ValueError from a lookup)",
    "10000-01-01": "a date beyond year 9999",
    "9" * 5_000: "digits past Python's int-from-string limit",
}
# Also posted in the choice and hidden fields alone, the others answered as the page filled
# them, so the post gets past validation to the view (where an id like these is looked up).
CHOICE_ONLY = {"99999999999999999999999", "abc"}
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


@dataclass(frozen=True)
class PageSpec:
    """A page the role can open, with the query-string names it may read."""

    role: str
    name: str
    url: str
    params: tuple[str, ...]


# Query-string names the views read: `request.GET.get("x")`, `request.GET["x"]`, `"x" in
# request.GET`. Every page is sent all of them, with the names of its own GET forms' fields.
_GET_NAME = re.compile(
    r"""request\.GET(?:\.get|\.getlist)?[(\[]\s*["'](\w+)["']|["'](\w+)["']\s+in\s+request\.GET"""
)


def query_names() -> set[str]:
    root = Path(__file__).resolve().parents[2] / "familyworkbook"
    names: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" not in path.parts:
            for match in _GET_NAME.finditer(path.read_text()):
                names.add(match.group(1) or match.group(2))
    return names


def discover(client: Client, role: str, world: Any) -> tuple[list[FormSpec], list[PageSpec]]:
    """Open every site page as this role; collect the forms that post back to the site, and
    the pages themselves with the query-string names they might read."""
    specs: dict[tuple[str, str], FormSpec] = {}
    pages: list[PageSpec] = []
    read_by_views = query_names()
    for pattern in site_patterns():
        if pattern.name in PUBLIC or pattern.name in SKIP:
            continue
        url = url_for(pattern, world.ava, world)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        doc = lxml.html.document_fromstring(response.content)
        own = {
            f.name
            for form in doc.forms
            if (form.method or "GET").upper() == "GET"
            for f in _fields(form)
        }
        if not ONLY or ONLY in pattern.name:
            pages.append(PageSpec(role, pattern.name, url, tuple(sorted(read_by_views | own))))
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
    return list(specs.values()), pages


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


def check_post(
    client: Client, spec: FormSpec, token: str, data: dict[str, Any], how: str, before: dict
) -> list[str]:
    """Post one answer in a savepoint that is rolled back; return what went wrong. `before`
    is the snapshot of the world every post meets (each is rolled back)."""
    problems: list[str] = []
    try:
        with transaction.atomic():
            response = client.post(spec.action, {**data, "csrfmiddlewaretoken": token})
            status = response.status_code
            STATS[str(status)] += 1
            where = f"{spec.role} {spec.target} ({spec.action}) from {spec.page}"
            if status >= 500:
                problems.append(f"{where}: {status} for {sorted(data)} ({how})")
            body = response.content.decode(errors="replace")
            if any(tag in body for tag in UNESCAPED):
                problems.append(f"{where}: injected markup reflected unescaped ({how})")
            refused = 400 <= status < 500 or (status == 200 and "govuk-error-summary" in body)
            if refused:
                after = snapshot()
                changed = [k for k in before if before[k] != after[k]]
                if changed:
                    problems.append(f"{where}: refused with {status} but changed {changed} ({how})")
            raise UndoError
    except UndoError:
        pass
    return problems


def regression_answers(spec: FormSpec) -> list[tuple[str, dict[str, Any]]]:
    """Each known hostile value in every field at once (Django cleans every field, whatever
    the others hold), and in the choice fields alone with the page's own answers elsewhere, so
    the post can get past the other fields to the view."""
    own = {f.name: f.value for f in spec.fields}
    choices = [f.name for f in spec.fields if f.options or f.hidden]
    out = []
    for value, found in REGRESSIONS.items():
        out.append((f"every field {found}", {f.name: value for f in spec.fields}))
        if choices and value in CHOICE_ONLY:
            out.append((f"choice fields {found}", {**own, **dict.fromkeys(choices, value)}))
    return out


def fuzz_form(client: Client, spec: FormSpec, token: str, regressions: bool) -> list[str]:
    """Post the regression values (once per form, whichever role) and `EXAMPLES` generated
    answers to one form."""
    problems: list[str] = []
    before = snapshot()
    for how, data in regression_answers(spec) if regressions else []:
        problems.extend(check_post(client, spec, token, data, how, before))
    if EXAMPLES == 0:
        return problems
    this_seed = form_seed(spec.role, spec.target, spec.page)

    @seed(this_seed)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # report every form's first problem, not a shrunk one
        suppress_health_check=list(HealthCheck),
    )
    @given(data=answers(spec))
    def post(data: dict[str, Any]) -> None:
        problems.extend(
            check_post(
                client,
                spec,
                token,
                data,
                f"generated; {repeat_with(spec.role, spec.target)}",
                before,
            )
        )

    post()
    return problems


def check_get(client: Client, page: PageSpec, query: dict[str, str], how: str) -> list[str]:
    url = page.url + "?" + urlencode(query)
    response = client.get(url)
    STATS[f"GET {response.status_code}"] += 1
    problems = []
    if response.status_code >= 500:
        problems.append(
            f"{page.role} {page.name} ({page.url}): {response.status_code} for ?{sorted(query)} ({how})"
        )
    if any(tag in response.content.decode(errors="replace") for tag in UNESCAPED):
        problems.append(f"{page.role} {page.name}: query string reflected unescaped ({how})")
    return problems


def fuzz_page(client: Client, page: PageSpec, regressions: bool) -> list[str]:
    """Every query-string name at once with each regression value (once per page, whichever
    role), then generated ones."""
    problems: list[str] = []
    for value, found in REGRESSIONS.items() if regressions else []:
        problems.extend(check_get(client, page, dict.fromkeys(page.params, value[:2000]), found))
    if EXAMPLES == 0:
        return problems
    hostile = st.one_of(
        st.sampled_from(NASTY), st.text(max_size=40), st.integers(-(2**70), 2**70).map(str)
    )

    @seed(form_seed(page.role, page.name, "query"))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(query=st.dictionaries(st.sampled_from(page.params), hostile, max_size=6))
    def get(query: dict[str, str]) -> None:
        problems.extend(
            check_get(client, page, query, f"generated; {repeat_with(page.role, page.name)}")
        )

    get()
    return problems


def test_every_form_survives_hostile_answers(db, signed_in):
    print(f"form fuzz: seed {SEED} (repeat with FWB_FUZZ_SEED={SEED})")
    world = build_world()
    problems: list[str] = []
    forms = pages = 0
    regressed: set[str] = set()  # forms (URL names) and pages given the regression values
    regressed_pages: set[str] = set()
    for role in ROLES:
        user = make_user(role, "involved", world)
        client = signed_in(Client(enforce_csrf_checks=True, raise_request_exception=False), user)
        started = time.monotonic()
        specs, role_pages = discover(client, role, world)
        print(
            f"form fuzz: {role}: {len(specs)} forms and {len(role_pages)} pages found "
            f"in {time.monotonic() - started:.0f} s"
        )
        forms += len(specs)
        pages += len(role_pages)
        # One token serves every post: the CSRF cookie stays the same until sign-in changes.
        token = csrf_token(client, specs[0].page_url) if specs else ""
        for spec in specs:
            problems.extend(fuzz_form(client, spec, token, spec.target not in regressed))
            regressed.add(spec.target)
        for page in role_pages:
            problems.extend(fuzz_page(client, page, page.name not in regressed_pages))
            regressed_pages.add(page.name)
    posts = sum(n for k, n in STATS.items() if not k.startswith("GET"))
    server_errors = sum(n for k, n in STATS.items() if k.lstrip("GET ").startswith("5"))
    print(
        f"form fuzz: seed {SEED}, {len(ROLES)} roles, {forms} (form, role) pairs and {pages} "
        f"(page, role) pairs; {len(REGRESSIONS)} regression values and {EXAMPLES} generated "
        f"examples each; {posts} posts, {sum(STATS.values()) - posts} query strings, "
        f"{server_errors} server errors; statuses {dict(sorted(STATS.items()))}"
    )
    assert forms > 10 or ONLY  # the walk found the site's forms (unless narrowed on purpose)
    assert pages > 20 or ONLY
    assert posts >= len(regressed) * len(REGRESSIONS)
    assert not problems, "\n".join(problems[:50])
