"""Protected values stay encrypted in the event rows: the trigger copies the ciphertext."""

from __future__ import annotations

from django.db import connection

from familyworkbook.history.models import EVENT_MODELS
from familyworkbook.history.tests.conftest import CANARY_LINE, CANARY_POSTCODE, on_postgres

pytestmark = on_postgres


def test_a_protected_address_event_holds_no_plaintext(safe_address):
    safe_address.line_1 = "9 Other Canary Street"
    safe_address.save()
    table = EVENT_MODELS["people.address"]._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE pgh_obj_id = %s", [safe_address.pk])  # noqa: S608
        rows = cursor.fetchall()
    assert len(rows) == 2
    text = repr(rows)
    for canary in (CANARY_LINE, "9 Other Canary Street", CANARY_POSTCODE, "Canarytown"):
        assert canary not in text
    # Read back through the event model, the values are there for those allowed to see them.
    assert (
        EVENT_MODELS["people.address"]
        .objects.filter(pgh_obj_id=safe_address.pk)
        .latest("pgh_id")
        .line_1
        == "9 Other Canary Street"
    )
