"""The KPI dashboard page, its form errors and its audited downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from familyworkbook.audit.models import AuditEvent
from familyworkbook.demo import builders
from familyworkbook.insights.tests.conftest import download

QUERY = {
    "scope": "",
    "date_from_day": "1",
    "date_from_month": "1",
    "date_from_year": "2025",
    "date_to_day": "30",
    "date_to_month": "6",
    "date_to_year": "2025",
}


def _query(north, **overrides):
    return {**QUERY, "scope": f"team:{north.pk}", **overrides}


def test_sign_in_required(client, db):
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302
    assert "sign" in response["Location"] or "login" in response["Location"]


def test_default_is_my_team_over_the_last_four_quarters(client, signed_in, sam, north):
    response = signed_in(client, sam).get(reverse("insights:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert north.name in html
    assert 'role="img"' in html
    assert len(response.context["tables"]) == 10


def test_dashboard_shows_each_table_with_its_chart(client, signed_in, county, north, performance):
    response = signed_in(client, performance).get(reverse("insights:dashboard"), _query(north))
    html = response.content.decode()
    assert "Children open at each quarter end" in html
    assert html.count("<svg") == 10
    assert html.count("<title id=") == 10
    assert html.count('<table class="govuk-table') == 10
    # The re-referral share for Q2 from the hand-built county.
    tables = {t.slug: t for t, _chart in response.context["tables"]}
    assert tables["new"].rows[1][3] == 100.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date_to_year": "2024"}, "The end of the period must be on or after its start"),
        ({"date_from_day": "31", "date_from_month": "2"}, "From must be a real date"),
        ({"date_to_year": "2031"}, "Choose a period of at most 20 quarters"),
        ({"scope": "team:999999"}, "Select a team, district or service from the list"),
    ],
)
def test_form_errors_in_the_govuk_summary(client, signed_in, sam, north, overrides, message):
    response = signed_in(client, sam).get(reverse("insights:dashboard"), _query(north, **overrides))
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert response.context["tables"] == []


def test_csv_download_holds_the_table_and_is_audited(client, signed_in, county, north, performance):
    url = reverse("insights:download", args=["dashboard", "open", "csv"])
    response = download(signed_in(client, performance), url, _query(north))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Children open at each quarter end"]
    assert rows[2][:3] == ["Quarter end", "Children in need", "On a child protection plan"]
    assert rows[3][:3] == ["2025-03-31", "2", "1"]
    assert rows[4][:3] == ["2025-06-30", "3", "0"]
    event = AuditEvent.objects.get(verb="exported")
    assert event.actor == performance.user
    assert event.data["table"] == "open"
    assert event.data["format"] == "csv"
    assert event.data["scope"] == f"team:{north.pk}"


def test_xlsx_download_holds_the_table(client, signed_in, county, north, performance):
    url = reverse("insights:download", args=["dashboard", "days_in_care", "xlsx"])
    response = download(signed_in(client, performance), url, _query(north))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Days in care"
    assert values[3][1:] == [1, 59]
    assert values[4][1:] == [1, 91]
    assert AuditEvent.objects.filter(verb="exported", data__format="xlsx").count() == 1


def test_unknown_table_or_format_is_404_and_not_audited(client, signed_in, sam, north):
    c = signed_in(client, sam)
    assert (
        c.get(
            reverse("insights:download", args=["dashboard", "nope", "csv"]), _query(north)
        ).status_code
        == 404
    )
    assert (
        c.get(
            reverse("insights:download", args=["dashboard", "open", "pdf"]), _query(north)
        ).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(verb="exported").exists()


def test_bad_download_query_shows_errors_and_is_not_audited(client, signed_in, sam, north):
    url = reverse("insights:download", args=["dashboard", "open", "csv"])
    response = signed_in(client, sam).get(url, _query(north, date_to_year="2024"))
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(verb="exported").exists()


def test_page_query_count_does_not_grow_with_data(client, signed_in, county, north, performance):
    c = signed_in(client, performance)
    url = reverse("insights:dashboard")
    c.get(url, _query(north))
    with CaptureQueriesContext(connection) as before:
        c.get(url, _query(north))
    for i in range(4):
        builders.case(builders.family(f"More{i}"), north)
    with CaptureQueriesContext(connection) as after:
        c.get(url, _query(north))
    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_link_naming_only_the_scope_gets_the_default_period(sam_client, north):
    response = sam_client.get(reverse("insights:dashboard") + f"?scope=team:{north.pk}")
    assert response.status_code == 200
    assert b"govuk-error-summary" not in response.content
    assert north.name.encode() in response.content
