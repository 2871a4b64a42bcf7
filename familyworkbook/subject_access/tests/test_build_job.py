"""Building a pack runs as a background job (issue 15 part 5): progress, result, failure, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from familyworkbook.core.models import Job
from familyworkbook.core.tests.worker import run_worker
from familyworkbook.demo import builders
from familyworkbook.subject_access import services
from familyworkbook.subject_access.models import PackItem
from familyworkbook.teams.models import Role

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _open(ward, ig_officer):
    with freeze_time("2025-10-06"):
        return services.open_request(
            subject=ward.alex,
            requester_kind="subject",
            requester_name="Alex Ward",
            received_on=dt.date(2025, 10, 1),
            identity_verified_on=dt.date(2025, 10, 3),
            by=ig_officer.user,
        )


def _items(sar):
    return list(
        PackItem.objects.filter(request=sar)
        .order_by("position")
        .values_list("key", "section", "heading", "text", "third_party", "decision")
    )


def test_the_post_starts_a_job_whose_result_matches_the_in_request_build(
    client, signed_in, ward, ig_officer
):
    by_job, in_request = _open(ward, ig_officer), _open(ward, ig_officer)
    signed_in(client, ig_officer)
    response = client.post(reverse("subject_access:build", args=[by_job.pk]))
    job = Job.objects.get()
    assert response["Location"] == reverse("subject_access:job", args=[job.pk])
    assert (job.status, job.done, job.total, job.stage) == (Job.Status.DONE, 1, 1, "Pack built")
    assert job.started_by == ig_officer.user
    counts = services.build_pack(in_request, by=ig_officer.user)
    assert job.result == counts and counts["items"] > 0
    assert _items(by_job) == _items(in_request)
    page = client.get(response["Location"])
    assert "Refresh" not in page
    html = page.content.decode()
    assert "Open the request and its pack" in html and by_job.get_absolute_url() in html


def test_a_failing_build_shows_an_error_summary(client, signed_in, ward, ig_officer, monkeypatch):
    sar = _open(ward, ig_officer)

    def broken(*args, **kwargs):
        raise ValidationError("The record could not be read")

    monkeypatch.setattr(services, "build_pack", broken)
    signed_in(client, ig_officer)
    page = client.post(reverse("subject_access:build", args=[sar.pk]), follow=True)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.error == "The record could not be read"
    html = page.content.decode()
    assert "govuk-error-summary" in html and "The record could not be read" in html
    assert not PackItem.objects.filter(request=sar).exists()


def test_only_the_starter_sees_the_job(client, signed_in, ward, ig_officer):
    sar = _open(ward, ig_officer)
    signed_in(client, ig_officer)
    url = client.post(reverse("subject_access:build", args=[sar.pk]))["Location"]
    other = builders.worker("ivy", role=Role.PERFORMANCE, first_name="Ivy", last_name="Gov")
    other.user.groups.add(Group.objects.get(name="Information governance"))
    client.logout()
    assert signed_in(client, other).get(url).status_code == 404


@pytest.mark.parametrize("backend", [DB_BACKEND])
def test_with_the_database_backend_a_worker_runs_it(
    client, signed_in, ward, ig_officer, backend, monkeypatch
):
    sar = _open(ward, ig_officer)
    with override_settings(TASKS=backend):
        signed_in(client, ig_officer)
        url = client.post(reverse("subject_access:build", args=[sar.pk]))["Location"]
        job = Job.objects.get()
        assert job.status == Job.Status.WAITING
        assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"
        waiting = client.get(url)
        assert waiting["Refresh"] == "2" and "Waiting to start" in waiting.content.decode()
        assert not PackItem.objects.filter(request=sar).exists()
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert job.status == Job.Status.DONE and job.result["items"] > 0
        assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
        assert PackItem.objects.filter(request=sar).count() == job.result["items"]
        done = client.get(url)
        assert "Refresh" not in done and "Open the request and its pack" in done.content.decode()


def test_a_task_that_failed_before_recording_shows_failed(client, signed_in, ward, ig_officer):
    sar = _open(ward, ig_officer)
    with override_settings(TASKS=DB_BACKEND):
        signed_in(client, ig_officer)
        url = client.post(reverse("subject_access:build", args=[sar.pk]))["Location"]
        job = Job.objects.get()
        DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")
        html = client.get(url).content.decode()
    assert "govuk-error-summary" in html and "failed before it could record why" in html
