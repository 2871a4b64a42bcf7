"""The workforce and cost-avoidance pages, their downloads, and the admin registrations."""

from __future__ import annotations

import csv
import io

from django.contrib import admin
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.insights.models import (
    AtRiskOfCare,
    ClinicalSupervision,
    CostAssumptions,
    PartnerSaving,
    RealisedSaving,
    Thresholds,
    TrainingRecord,
)
from familyworkbook.insights.tests.conftest import download

PERIOD = {
    "date_from_day": "1",
    "date_from_month": "1",
    "date_from_year": "2025",
    "date_to_day": "30",
    "date_to_month": "6",
    "date_to_year": "2025",
}


def test_pages_need_sign_in(client, db):
    for name in ("insights:workforce", "insights:costs"):
        assert client.get(reverse(name)).status_code == 302


def test_workforce_page_shows_posts_caseloads_and_training(client, signed_in, sam, dana, north):
    response = signed_in(client, sam).get(
        reverse("insights:workforce"), {**PERIOD, "scope": f"team:{north.pk}"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Posts and vacancies by role" in html
    assert "Caseload by worker (cap: 15 open cases)" in html
    assert "Dana Price" in html and "Sam Okafor" in html
    assert "Turnover and agency share by role" in html
    assert html.count("<svg") == 4


def test_workforce_default_form_is_my_team(client, signed_in, sam, north):
    response = signed_in(client, sam).get(reverse("insights:workforce"))
    assert response.status_code == 200
    assert response.context["scope"].obj == north


def test_costs_page_shows_method_and_assumptions(client, signed_in, sam):
    response = signed_in(client, sam).get(reverse("insights:costs"), PERIOD)
    html = response.content.decode()
    assert "£774" in html and "£2428" in html and "£489" in html
    assert "Method:" in html
    assert "it is not money saved" in html
    assert html.count("<svg") == 2


def test_costs_period_errors(client, signed_in, sam):
    response = signed_in(client, sam).get(
        reverse("insights:costs"), {**PERIOD, "date_to_year": "2024"}
    )
    assert "There is a problem" in response.content.decode()
    assert response.context["tables"] == []


def test_workforce_download_is_audited(client, signed_in, sam, north):
    url = reverse("insights:download", args=["workforce", "posts", "csv"])
    response = download(signed_in(client, sam), url, {**PERIOD, "scope": f"team:{north.pk}"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Posts and vacancies by role"]
    assert rows[3][:2] == ["Social worker", "1"]
    assert AuditEvent.objects.filter(verb="exported", data__table="posts").count() == 1


def test_costs_download(client, signed_in, sam):
    url = reverse("insights:download", args=["costs", "costs", "csv"])
    response = download(signed_in(client, sam), url, PERIOD)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2][3] == "Avoided cost (£)"
    assert len(rows) == 5
    event = AuditEvent.objects.get(verb="exported")
    assert event.data["scope"] == "council"


def test_unknown_page_download_is_404(client, signed_in, sam):
    url = reverse("insights:download", args=["nope", "costs", "csv"])
    assert signed_in(client, sam).get(url, PERIOD).status_code == 404


def test_models_are_in_the_admin():
    for model in (
        Thresholds,
        TrainingRecord,
        ClinicalSupervision,
        CostAssumptions,
        AtRiskOfCare,
        RealisedSaving,
        PartnerSaving,
    ):
        assert admin.site.is_registered(model)


def test_admin_lists_open(client, signed_in, ada):
    c = signed_in(client, ada)
    for name in ("trainingrecord", "clinicalsupervision", "costassumptions", "thresholds"):
        assert c.get(reverse(f"admin:insights_{name}_changelist")).status_code == 200
