"""R16: the canaries are ciphertext at rest, and still reach a grant holder on the page.

The canary world (world.py) plants a survivor's safe address, a hidden child's school and GP,
and a specialist's health detail; a document version frozen for a grant holder holds the safe
address too. On SQLite the raw columns are read with a cursor; on PostgreSQL `pg_dump` of the
test database must not contain a canary anywhere (R16's test).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from familyworkbook.access.models import AccessGrant
from familyworkbook.access.tests.world import (
    CANARIES,
    CANARY_HEALTH,
    CANARY_LINE,
    CANARY_POSTCODE,
    CANARY_SCHOOL,
    build_world,
)
from familyworkbook.core.encryption import TOKEN_PREFIX
from familyworkbook.demo import builders
from familyworkbook.documents.models import Document, DocumentVersion
from familyworkbook.teams.models import Role

COLUMNS = {
    "people_address": ["line_1", "line_2", "town", "postcode"],
    "people_registration": ["name", "code"],
    "workbook_entry": ["confidential_detail"],
    "documents_documentversion": ["html", "content"],
}


def plant(world) -> None:
    """A version of a document frozen for a grant holder: it holds the safe address."""
    document = Document.objects.create(
        family=world.family,
        type_key="letter",
        schema_version=1,
        title="Letter to Jo",
        author=world.lead.user,
    )
    DocumentVersion.objects.create(
        document=document,
        number=1,
        reason="shared",
        recipient="Jo",
        html=f"<p>{CANARY_LINE}, {CANARY_POSTCODE}</p>",
        content={"address": [CANARY_LINE, CANARY_POSTCODE], "school": CANARY_SCHOOL},
        sha256="0" * 64,
        frozen_by=world.lead.user,
    )


def raw_values() -> list[str]:
    q = connection.ops.quote_name
    values = []
    with connection.cursor() as cursor:
        for table, columns in COLUMNS.items():
            cursor.execute(f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)}")  # noqa: S608
            values.extend(str(v) for row in cursor.fetchall() for v in row if v)
    return values


def grant_holder_sees_the_canaries(world, signed_in) -> str:
    dana = builders.worker("dana", role=Role.DA_SURVIVOR_WORKER, teams=[world.north])
    for person in (world.survivor, world.ava.child):
        AccessGrant.objects.create(user=dana.user, person=person, kind="protected", reason="Plan")
    client = signed_in(Client(), dana)
    return "".join(
        client.get(reverse("cases:person", args=[p.pk])).content.decode()
        for p in (world.survivor, world.ava.child)
    )


def test_every_stored_canary_is_ciphertext_yet_a_grant_holder_reads_it(db, signed_in):
    world = build_world()
    plant(world)
    values = raw_values()
    assert len(values) >= 8
    assert all(v.startswith(TOKEN_PREFIX) for v in values), values
    assert not [c for c in CANARIES if any(c in v for v in values)]
    html = grant_holder_sees_the_canaries(world, signed_in)
    assert CANARY_LINE in html and CANARY_POSTCODE in html and CANARY_SCHOOL in html
    version = DocumentVersion.objects.get()
    assert CANARY_LINE in version.html and version.content["school"] == CANARY_SCHOOL


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_of_the_database_holds_no_canary(signed_in):
    """R16's own test. pg_dump reads committed rows, so this test commits (transaction=True)."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL: the SQLite half reads the raw columns instead")
    pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    if not os.path.exists(pg_dump):
        pytest.skip("pg_dump is not installed (apt install postgresql-client)")
    world = build_world()
    plant(world)
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [pg_dump, "--data-only", "--no-owner", "--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    if result.returncode != 0:
        pytest.skip(f"pg_dump could not read the test database: {result.stderr.strip()[:200]}")
    dump = result.stdout
    # The dump is real and holds the rows: the unencrypted parts of the world are there.
    assert world.survivor.last_name in dump
    assert TOKEN_PREFIX in dump
    found = [c for c in [*CANARIES, CANARY_HEALTH] if c in dump]
    assert not found, f"canaries in the pg_dump: {found}"
    # ... while the application still shows them to a grant holder.
    html = grant_holder_sees_the_canaries(world, signed_in)
    assert CANARY_LINE in html and CANARY_SCHOOL in html


def test_the_canary_postcode_is_still_found_by_search_only_where_allowed(db, signed_in):
    """The blind index finds the safe address for someone entitled to it, and the admin search
    of a system administrator without a grant looks exactly like a postcode that does not exist
    (the same check as test_canary, here with a postcode that is recorded and visible)."""
    from django.contrib.auth.models import Permission

    from familyworkbook.people.models import Address

    world = build_world()
    assert Address.objects.with_postcode("zz99zz").get() == world.safe_address
    ada = builders.worker("ada", role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    ada.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    client = signed_in(Client(), ada)
    changelist = reverse("admin:people_address_changelist")
    visible = client.get(changelist, {"q": "pe13 1aa"}).context["cl"]
    # Ava's home, typed loosely (Leo's, at the same postcode, is a restricted record).
    assert [a.pk for a in visible.result_list] == [world.ava.address.pk]
    hidden = client.get(changelist, {"q": CANARY_POSTCODE}).context["cl"]
    absent = client.get(changelist, {"q": "ZZ8 8ZZ"}).context["cl"]
    assert hidden.result_count == absent.result_count == 0
    assert hidden.full_result_count == absent.full_result_count
