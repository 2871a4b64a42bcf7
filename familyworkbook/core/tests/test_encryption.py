"""R16: the encrypted fields, the blind index, the data migrations' helper and key rotation."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from familyworkbook.core import encryption
from familyworkbook.core.encryption import UndecryptableError, blind_index
from familyworkbook.people.models import Address, Registration
from familyworkbook.workbook.models import Entry

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def raw(table: str, column: str, pk: int) -> str:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(column)} FROM {q(table)} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def address(person, **fields) -> Address:
    values = {
        "line_1": "1 Refuge Row",
        "line_2": "",
        "town": "Safeton",
        "postcode": "CB7 4AA",
        "from_date": dt.date(2024, 1, 1),
    }
    return Address.objects.create(person=person, **(values | fields))


def test_a_value_is_stored_as_a_fresh_token_and_read_back_as_plaintext(db, smith_family):
    jo = smith_family.members.get(first_name="Jo")
    first = address(jo, protected=True)
    second = address(jo)
    stored = raw("people_address", "line_1", first.pk)
    assert stored.startswith(encryption.TOKEN_PREFIX) and "Refuge" not in stored
    # Not deterministic: the same plaintext gives another token.
    assert stored != raw("people_address", "line_1", second.pk)
    assert Address.objects.get(pk=first.pk).line_1 == "1 Refuge Row"
    assert Address.objects.values_list("postcode", flat=True).get(pk=first.pk) == "CB7 4AA"
    # The empty string is stored as itself (so `exclude(line_2="")` still works).
    assert raw("people_address", "line_2", first.pk) == ""
    assert Address.objects.filter(pk=first.pk, line_2="").exists()


def test_sql_comparisons_on_an_encrypted_column_are_refused_not_silently_empty(db):
    with pytest.raises(FieldError, match="encrypted"):
        list(Address.objects.filter(postcode="CB7 4AA"))
    with pytest.raises(FieldError):
        list(Address.objects.filter(line_1__icontains="Refuge"))
    with pytest.raises(FieldError):
        list(Entry.objects.filter(confidential_detail="positive"))
    assert not Registration.objects.filter(name__isnull=True).exists()


def test_the_postcode_is_found_through_its_blind_index_however_typed(db, smith_family):
    jo = smith_family.members.get(first_name="Jo")
    home = address(jo, postcode="PE13 1AA")
    address(jo, postcode="PE13 1AB")
    assert home.postcode_index == blind_index("pe131aa") != blind_index("PE13 1AB")
    assert list(Address.objects.with_postcode(" pe13 1aa ")) == [home]
    assert not Address.objects.with_postcode("").exists()
    # Keyed: without the key the index cannot be recomputed from a postcode list.
    with override_settings(BLIND_INDEX_KEY="another-key-entirely-0123"):
        assert blind_index("PE13 1AA") != home.postcode_index
    # A bulk create fills it too (the demo county creates addresses in bulk).
    [bulk] = Address.objects.bulk_create(
        [
            Address(
                person=jo,
                line_1="2 Bulk Road",
                town="Ely",
                postcode="CB7 4AB",
                from_date=dt.date(2024, 2, 1),
            )
        ]
    )
    assert Address.objects.with_postcode("CB74AB").get().pk == bulk.pk


def test_a_changed_postcode_changes_its_index(db, smith_family):
    home = address(smith_family.members.get(first_name="Jo"))
    home.postcode = "CB3 0AP"
    home.save()
    assert Address.objects.with_postcode("CB3 0AP").get() == home
    assert not Address.objects.with_postcode("CB7 4AA").exists()


def test_a_value_no_key_opens_is_an_error_not_ciphertext_on_a_page(db, smith_family):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        home = address(smith_family.members.get(first_name="Jo"))
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]), pytest.raises(UndecryptableError):
        Address.objects.get(pk=home.pk)


def _plant(smith_family, sam):
    jo = smith_family.members.get(first_name="Jo")
    ava = smith_family.members.get(first_name="Ava")
    homes = [address(jo, line_1=f"{n} Refuge Row", postcode="CB7 4AA") for n in range(5)]
    school = Registration.objects.create(
        person=ava,
        kind="school",
        name="Hidden Primary",
        code="987654",
        from_date=dt.date(2025, 1, 1),
    )
    entry = Entry.objects.create(
        family=smith_family,
        author=sam,
        chapter="substance_misuse",
        happened_on=dt.date(2025, 9, 6),
        kind="session",
        what_happened="Session.",
        meaning_for_child="Engaging.",
        what_happens_next="Next week.",
        shared_summary="Engaging well.",
        confidential_detail="Hair strand test positive",
        created_by=sam.user,
    )
    return homes, school, entry


def test_rotation_re_encrypts_every_column_so_the_old_key_can_be_dropped(db, smith_family, sam):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        homes, school, entry = _plant(smith_family, sam)
    before = raw("people_address", "town", homes[0].pk)
    out = StringIO()
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        call_command("rotate_field_keys", batch_size=2, stdout=out)
    assert "people.Address: 4/" in out.getvalue() and "Re-encrypted" in out.getvalue()
    after = raw("people_address", "town", homes[0].pk)
    assert after != before
    assert Fernet(KEY_B.encode()).decrypt(after.encode()) == b"Safeton"
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        assert sorted(a.line_1 for a in Address.objects.filter(pk__in=[h.pk for h in homes])) == [
            f"{n} Refuge Row" for n in range(5)
        ]
        assert Registration.objects.get(pk=school.pk).name == "Hidden Primary"
        assert Registration.objects.get(pk=school.pk).code == "987654"
        assert Entry.objects.get(pk=entry.pk).confidential_detail == "Hair strand test positive"
        # The index does not depend on the encryption key: search still works.
        assert Address.objects.with_postcode("CB7 4AA").count() == 5


def test_rotation_without_the_old_key_stops_and_says_so(db, smith_family, sam):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        _plant(smith_family, sam)
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]),
        pytest.raises(CommandError, match="Put back"),
    ):
        call_command("rotate_field_keys", stdout=StringIO())


def test_reindex_recomputes_the_blind_index_under_a_new_key(db, smith_family, sam):
    homes, _, _ = _plant(smith_family, sam)
    with override_settings(BLIND_INDEX_KEY="a-new-blind-index-key-0123456"):
        assert not Address.objects.with_postcode("CB7 4AA").exists()
        call_command("rotate_field_keys", reindex=True, stdout=StringIO())
        assert Address.objects.with_postcode("CB7 4AA").count() == len(homes)


def test_the_data_migration_encrypts_plaintext_rows_and_fills_the_index_and_reverses(
    db, smith_family, sam
):
    homes, school, _ = _plant(smith_family, sam)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:  # rows as they were before the migration
        cursor.execute(
            f"UPDATE {q('people_address')} SET {q('line_1')} = %s, {q('postcode')} = %s, "  # noqa: S608
            f"{q('postcode_index')} = '' WHERE id = %s",
            ["9 Plain Street", "PE13 1AA", homes[0].pk],
        )
    forward, reverse = encryption.migration(
        "people",
        "address",
        ["line_1", "line_2", "town", "postcode"],
        index=("postcode", "postcode_index"),
        batch_size=2,
    )
    editor = SimpleNamespace(connection=connection)
    untouched = raw("people_address", "line_1", homes[1].pk)
    forward(apps, editor)
    assert raw("people_address", "line_1", homes[0].pk).startswith(encryption.TOKEN_PREFIX)
    assert raw("people_address", "line_1", homes[1].pk) == untouched  # already encrypted: kept
    assert Address.objects.with_postcode("PE13 1AA").get().line_1 == "9 Plain Street"
    reverse(apps, editor)
    assert raw("people_address", "line_1", homes[0].pk) == "9 Plain Street"
    assert raw("people_address", "town", homes[1].pk) == "Safeton"


def _run_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("FWB_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x7#Qp2!vL9@mZ4$wR8^tY6&uI3*oP1(aS5)dF0_gH-jK+lZ=cX" * 2,
            "DJANGO_ALLOWED_HOSTS": "workbook.example.gov.uk",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_the_field_keys(tmp_path: Path):
    result = _run_check(tmp_path)
    assert result.returncode != 0 and "FWB_FIELD_ENCRYPTION_KEYS" in result.stderr
    result = _run_check(
        tmp_path, FWB_FIELD_ENCRYPTION_KEYS="not-a-fernet-key", FWB_BLIND_INDEX_KEY="x" * 32
    )
    assert result.returncode != 0 and "must hold Fernet keys" in result.stderr
    assert "not-a-fernet-key" not in result.stderr
    result = _run_check(
        tmp_path, FWB_FIELD_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}", FWB_BLIND_INDEX_KEY="x" * 32
    )
    assert result.returncode == 0, result.stderr
