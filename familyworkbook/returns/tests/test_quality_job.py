"""The data-quality check runs as a background job with a page (issue 15 part 5)."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from familyworkbook.core.models import Job
from familyworkbook.core.tests.worker import run_worker
from familyworkbook.returns import quality
from familyworkbook.returns.models import QualityIssue, QualitySnapshot
from familyworkbook.returns.tests.test_data_quality import broken_family


def _issues(snapshot):
    return sorted(
        QualityIssue.objects.filter(snapshot=snapshot).values_list(
            "child_id", "case_id", "team_id", "worker_id", "return_name", "rule", "field"
        )
    )


def test_the_check_runs_as_a_job_and_finds_what_the_direct_refresh_finds(
    north, sam, mo, client, signed_in
):
    broken_family(north, sam)
    signed_in(client, mo)
    response = client.post(reverse("returns:refresh_data_quality"))
    job = Job.objects.get()
    assert response["Location"] == reverse("returns:job", args=[job.pk])
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 1, 1)
    by_job = QualitySnapshot.objects.get(pk=job.result["snapshot"])
    direct = quality.refresh()
    assert _issues(by_job) and _issues(by_job) == _issues(direct)
    assert job.result["issues"] == len(_issues(direct))
    html = client.get(response["Location"]).content.decode()
    assert "See the data-quality page" in html and "Problems found" in html


def test_a_failing_check_shows_an_error_and_another_user_gets_404(
    north, sam, mo, client, signed_in, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("The return rules could not be loaded")

    monkeypatch.setattr(quality, "refresh", broken)
    signed_in(client, mo)
    url = client.post(reverse("returns:refresh_data_quality"))["Location"]
    assert Job.objects.get().status == Job.Status.FAILED
    html = client.get(url).content.decode()
    assert "govuk-error-summary" in html and "could not be loaded" in html
    client.logout()
    assert signed_in(client, sam).get(url).status_code == 404


def test_the_database_backend_runs_it_in_a_worker(north, sam, mo, client, signed_in, monkeypatch):
    broken_family(north, sam)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        signed_in(client, mo)
        url = client.post(reverse("returns:refresh_data_quality"))["Location"]
        assert Job.objects.get().status == Job.Status.WAITING
        assert not QualitySnapshot.objects.exists()
        assert client.get(url)["Refresh"] == "2"
        run_worker(monkeypatch)
    job = Job.objects.get()
    assert job.status == Job.Status.DONE
    assert QualitySnapshot.objects.get().pk == job.result["snapshot"]
