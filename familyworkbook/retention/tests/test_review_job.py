"""The retention review runs as a background job (issue 15 part 5)."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from familyworkbook.core import clock
from familyworkbook.core.models import Job
from familyworkbook.core.tests.worker import run_worker
from familyworkbook.retention import engine, review


def _in_request_lists(today):
    """What the review page worked out inside the request before it became a job."""
    expired, held, due, unknown = [], 0, [], 0
    for a in engine.assess_all(today=today):
        if a.status == engine.Status.EXPIRED:
            if a.held:
                held += 1
            else:
                expired.append(a.family_id)
        elif a.due_within(today, engine.DUE_SOON_DAYS):
            due.append(a.family_id)
        elif a.status == engine.Status.UNKNOWN:
            unknown += 1
    return expired, held, due, unknown


def test_running_the_review_is_a_job_with_the_lists_the_request_made(
    ines, signed_in, old_family, north, sam
):
    client = signed_in(Client(), ines)
    before = client.get(reverse("retention:review")).content.decode()
    assert "Run the retention review" in before and old_family.reference not in before
    response = client.post(reverse("retention:review_run"))
    job = Job.objects.get()
    assert response["Location"] == reverse("retention:job", args=[job.pk])
    assert job.status == Job.Status.DONE and job.done == job.total >= 1
    got = review.rows(job.result)
    assert (
        [r.family_id for r in got["expired"]],
        got["held"],
        [r.family_id for r in got["due"]],
        got["unknown"],
    ) == _in_request_lists(clock.today())
    assert [r.family_id for r in got["expired"]] == [old_family.pk]
    page = client.get(response["Location"]).content.decode()
    assert f"{reverse('retention:review')}?job={job.pk}" in page
    listed = client.get(f"{reverse('retention:review')}?job={job.pk}").content.decode()
    assert reverse("retention:propose", args=[old_family.pk]) in listed


def test_another_ig_officer_gets_404_and_a_failure_shows_an_error(
    ines, olu, signed_in, old_family, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("No retention rules are in force")

    monkeypatch.setattr(review, "compute", broken)
    client = signed_in(Client(), ines)
    url = client.post(reverse("retention:review_run"))["Location"]
    assert Job.objects.get().status == Job.Status.FAILED
    html = client.get(url).content.decode()
    assert "govuk-error-summary" in html and "No retention rules are in force" in html
    assert "did not finish" in client.get(reverse("retention:review")).content.decode()
    other = signed_in(Client(), olu)
    assert other.get(url).status_code == 404
    job = Job.objects.get()
    assert other.get(f"{reverse('retention:review')}?job={job.pk}").status_code == 404
    assert other.get(f"{reverse('retention:review')}?job=not-a-uuid").status_code == 404


def test_the_database_backend_runs_the_review_in_a_worker(ines, signed_in, old_family, monkeypatch):
    client = signed_in(Client(), ines)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        url = client.post(reverse("retention:review_run"))["Location"]
        job = Job.objects.get()
        assert job.status == Job.Status.WAITING
        assert "still running" in client.get(reverse("retention:review")).content.decode()
        assert client.get(url)["Refresh"] == "2"
        run_worker(monkeypatch)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.total >= 1 and job.done == job.total
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
    assert [r["family_id"] for r in job.result["expired"]] == [old_family.pk]
