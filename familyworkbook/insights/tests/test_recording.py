"""The training register and clinical supervision log pages: who may record, errors, audit."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.insights.models import ClinicalSupervision, Course, TrainingRecord
from familyworkbook.teams.models import Role


def test_a_social_worker_gets_404_for_the_registers_and_records_nothing(client, signed_in, sam):
    c = signed_in(client, sam)
    assert c.get(reverse("insights:training")).status_code == 404
    assert c.get(reverse("insights:supervision")).status_code == 404
    response = c.post(
        reverse("insights:training"),
        {
            "worker": sam.pk,
            "course": Course.MI_CORE,
            "completed_on_day": "3",
            "completed_on_month": "2",
            "completed_on_year": "2025",
        },
    )
    assert response.status_code == 404
    assert c.post(reverse("insights:supervision"), {}).status_code == 404
    assert not TrainingRecord.objects.exists()
    assert not ClinicalSupervision.objects.exists()


def test_a_manager_records_training_and_it_is_audited(client, signed_in, mo, sam):
    c = signed_in(client, mo)
    response = c.post(
        reverse("insights:training"),
        {
            "worker": sam.pk,
            "course": Course.MI_CORE,
            "completed_on_day": "3",
            "completed_on_month": "2",
            "completed_on_year": "2025",
        },
    )
    assert response.status_code == 302
    row = TrainingRecord.objects.get()
    assert (row.worker, row.completed_on) == (sam, dt.date(2025, 2, 3))
    assert AuditEvent.objects.filter(
        verb="created", target_type="insights.trainingrecord", target_id=str(row.pk)
    ).exists()
    assert sam.name in c.get(reverse("insights:training")).content.decode()


def test_bad_supervision_shows_errors_and_saves_nothing(client, signed_in, mo, sam):
    future = dt.date.today() + dt.timedelta(days=10)  # noqa: DTZ011
    response = signed_in(client, mo).post(
        reverse("insights:supervision"),
        {
            "worker": sam.pk,
            "supervisor_role": "",
            "held_on_day": str(future.day),
            "held_on_month": str(future.month),
            "held_on_year": str(future.year),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select the supervisor" in html
    assert "must be today or in the past" in html
    assert not ClinicalSupervision.objects.exists()


def test_a_manager_records_supervision(client, signed_in, mo, sam):
    response = signed_in(client, mo).post(
        reverse("insights:supervision"),
        {
            "worker": sam.pk,
            "supervisor_role": Role.TEAM_MANAGER,
            "held_on_day": "10",
            "held_on_month": "4",
            "held_on_year": "2025",
        },
    )
    assert response.status_code == 302
    assert ClinicalSupervision.objects.get().supervisor_role == Role.TEAM_MANAGER
