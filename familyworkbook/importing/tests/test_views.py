"""The import pages: system administrators only, the counts and problems, audited downloads,
and a form that starts the import as a background job."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step
from familyworkbook.audit.models import AuditEvent
from familyworkbook.core.models import Job
from familyworkbook.importing import report, services, tasks
from familyworkbook.importing.models import ImportRun
from familyworkbook.importing.tests import extract

from .conftest import add_problem, make_run, text

INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def admin(client, signed_in, sysadmin):
    return signed_in(client, sysadmin)


@pytest.fixture
def root(tmp_path, settings):
    settings.FWB_IMPORT_ROOT = tmp_path / "imports"
    settings.FWB_IMPORT_ROOT.mkdir()
    return settings.FWB_IMPORT_ROOT


def urls(run: ImportRun) -> list[str]:
    return [
        reverse("imports:runs"),
        reverse("imports:start"),
        reverse("imports:run", args=[run.pk]),
        reverse("imports:report_csv", args=[run.pk]),
        reverse("imports:report_html", args=[run.pk]),
    ]


def events(verb: str, run: ImportRun):
    return AuditEvent.objects.for_target(run).filter(verb=verb)


def test_the_list_shows_the_latest_runs_with_their_family_counts(admin, root):
    run = make_run(dry_run=True)
    html = admin.get(reverse("imports:runs")).content.decode()
    assert run.source in html
    assert reverse("imports:run", args=[run.pk]) in html
    assert reverse("imports:start") in html
    row = html.split(run.source)[1].split("</tr>")[0]
    assert "Yes" in row and "Finished" in row
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells[-5:-1] == ["3", "1", "0", "1"]  # families imported, updated, unchanged, rejected


def test_the_run_page_shows_counts_chart_families_and_problems_and_is_audited(admin, root):
    run = make_run()
    add_problem(run)
    response = admin.get(reverse("imports:run", args=[run.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    counts = html.split('id="counts"')[1].split("</table>")[0]
    person = counts.split('data-table="ssd_person"')[1].split("</tr>")[0]
    assert [c.split(">")[-1] for c in person.split("</td>")[:5]] == ["10", "7", "1", "1", "1"]
    assert "Reconciles: yes" in text(counts) and "Reconciles: no" not in text(counts)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "fwb-chart" in html
    families = html.split('id="families"')[1].split("</table>")[0]
    assert [c.split(">")[-1] for c in families.split("</td>")[:5]] == ["5", "3", "1", "0", "1"]
    assert "cine_referral_date is after cine_close_date" in html and "CINE-77" in html
    assert reverse("imports:report_csv", args=[run.pk]) in html
    assert reverse("imports:report_html", args=[run.pk]) in html
    assert events("viewed", run).count() == 1


def test_counts_that_do_not_add_up_are_flagged_on_the_page(admin, root):
    run = make_run(
        tables={"ssd_person": {"read": 3, "imported": 1, "updated": 0, "unchanged": 0}},
    )
    html = admin.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "The counts do not reconcile" in html and "Reconciles: no" in text(html)


def test_a_run_still_reading_shows_that_nothing_is_counted_yet(admin, root):
    run = make_run(status=ImportRun.Status.RUNNING, tables={}, families={})
    html = admin.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Running" in html and "No table was read." in html
    assert "fwb-chart" not in html


def test_problems_are_paged_100_at_a_time_and_filtered_by_table(admin, root):
    run = make_run()
    for n in range(130):
        add_problem(run, key=f"CINE-{n:03}")
    add_problem(run, table="ssd_person", key="P-ONLY", reason="person has no id")
    url = reverse("imports:run", args=[run.pk])
    first = admin.get(url).content.decode()
    assert "CINE-000" in first and "CINE-099" in first and "CINE-100" not in first
    assert "131 problems" in first
    assert "page=2#problems" in first
    second = admin.get(url, {"page": 2}).content.decode()
    assert "CINE-100" in second and "P-ONLY" in second and "CINE-099" not in second
    person = admin.get(url, {"table": "ssd_person"}).content.decode()
    assert "P-ONLY" in person and "CINE-000" not in person and "1 problem in ssd_person" in person
    # A table the run has no problems in shows them all, not an empty page.
    unknown = admin.get(url, {"table": "ssd_nonsense"}).content.decode()
    assert "131 problems" in unknown


def test_the_csv_download_escapes_formulas_and_is_audited(admin, root):
    run = make_run()
    add_problem(run, key=INJECTION)
    asked = admin.get(reverse("imports:report_csv", args=[run.pk]))
    assert is_disclosure_step(asked)  # a file leaving the system needs a disclosure record
    _form, response = disclose_and_fetch(admin, asked)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][1] == "'" + INJECTION
    event = events("downloaded", run).get()
    assert event.data == {"format": "csv"}


def test_the_html_download_is_the_standalone_report_and_is_audited(admin, root):
    run = make_run(tables={"ssd_person": {"read": 2, "imported": 1}})
    asked = admin.get(reverse("imports:report_html", args=[run.pk]))
    assert is_disclosure_step(asked)
    _form, response = disclose_and_fetch(admin, asked)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "Reconciles: no" in text(html)
    assert events("downloaded", run).get().data == {"format": "html"}


def test_a_missing_run_is_404(admin, root):
    assert admin.get(reverse("imports:run", args=[999_999])).status_code == 404
    assert admin.get(reverse("imports:report_csv", args=[999_999])).status_code == 404


@pytest.mark.parametrize("who", ["sam", "mo", "dana", "ada"])
def test_nobody_but_a_system_administrator_reaches_any_page(request, signed_in, root, who):
    worker = request.getfixturevalue(who)
    client = signed_in(Client(), worker)
    run = make_run()
    add_problem(run)
    downloads = {reverse(f"imports:{n}", args=[run.pk]) for n in ("report_csv", "report_html")}
    for url in urls(run):
        # ada, the system administrator persona: the pages, and the disclosure step first for
        # a download.
        expected = 404 if who != "ada" else (302 if url in downloads else 200)
        assert client.get(url).status_code == expected, url
    if expected == 404:
        response = client.post(reverse("imports:start"), {"path": str(root), "mode": "dry_run"})
        assert response.status_code == 404
        assert not Job.objects.exists()
        assert not AuditEvent.objects.for_target(run).exists()


def test_nobody_else_sees_a_system_administrators_job(admin, signed_in, root, monkeypatch, mo):
    monkeypatch.setattr(services, "run_import", lambda source, **kw: make_run(source=source))
    (root / "extract").mkdir()
    url = admin.post(reverse("imports:start"), {"path": "extract", "mode": "import"})["Location"]
    assert signed_in(Client(), mo).get(url).status_code == 404


def test_the_menu_links_the_imports_page_for_system_administrators_only(
    admin, signed_in, sam, root
):
    link = f'href="{reverse("imports:runs")}"'
    assert link in admin.get(reverse("cases:my_caseload")).content.decode()
    assert link not in signed_in(Client(), sam).get(reverse("cases:my_caseload")).content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the folder the extract is in"),
        ("/etc", "The folder must be inside"),
        ("../outside", "The folder must be inside"),
        ("link-out", "The folder must be inside"),
        ("not-there", "There is no folder at"),
        ("a-file.csv", "is a file, not a folder"),
        ("bad\x00name", "has a character that cannot be in a path"),
        ("x" * 300, "Enter the folder&#x27;s path as the server shows it"),  # name too long
    ],
)
def test_the_start_form_refuses_a_folder_it_cannot_import(admin, root, typed, message):
    (root.parent / "outside").mkdir()
    (root / "link-out").symlink_to(root.parent / "outside")
    (root / "a-file.csv").write_text("x")
    response = admin.post(reverse("imports:start"), {"path": typed, "mode": "dry_run"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert 'href="#id_path"' in html
    assert not Job.objects.exists()


def test_the_start_form_asks_for_a_dry_run_or_an_import(admin, root):
    (root / "extract").mkdir()
    html = admin.post(reverse("imports:start"), {"path": "extract"}).content.decode()
    assert "Select whether to do a dry run or an import" in html
    assert not Job.objects.exists()


@pytest.mark.parametrize(("mode", "dry_run"), [("dry_run", True), ("import", False)])
def test_starting_an_import_runs_it_as_a_job_whose_result_is_the_run(
    admin, root, sysadmin, monkeypatch, mode, dry_run
):
    calls = []

    def fake_run_import(source, *, database=False, dry_run=False, by=None, progress=None):
        calls.append((source, dry_run, by))
        progress("Reading ssd_person.csv", 1, 2)
        return make_run(source=source, dry_run=dry_run, started_by=by)

    monkeypatch.setattr(services, "run_import", fake_run_import)
    (root / "extract").mkdir()
    response = admin.post(reverse("imports:start"), {"path": "extract", "mode": mode})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.kind == tasks.IMPORT_JOB and job.status == Job.Status.DONE
    assert job.started_by == sysadmin.user
    source = str((root / "extract").resolve())
    assert calls == [(source, dry_run, sysadmin.user)]
    run = ImportRun.objects.get(source=source)
    assert job.result_url == reverse("imports:run", args=[run.pk])
    assert job.result["run"] == run.pk and job.result["dry_run"] is dry_run
    page = admin.get(response["Location"]).content.decode()
    assert reverse("imports:run", args=[run.pk]) in page
    assert "Families imported 3" in text(page)  # make_run's families: 3 imported


def test_a_failed_import_shows_its_error_on_the_job_page(admin, root, monkeypatch):
    def broken(source, **kwargs):
        raise ValueError("ssd_person.csv is missing: every extract needs it")

    monkeypatch.setattr(services, "run_import", broken)
    (root / "extract").mkdir()
    url = admin.post(reverse("imports:start"), {"path": "extract", "mode": "dry_run"})["Location"]
    assert Job.objects.get().status == Job.Status.FAILED
    html = admin.get(url).content.decode()
    assert "govuk-error-summary" in html and "ssd_person.csv is missing" in html


@pytest.mark.parametrize("mode", ["dry_run", "import"])
def test_the_page_runs_the_real_import_and_shows_its_counts(admin, root, sysadmin, mode):
    extract.write(root / "extract")
    admin.post(reverse("imports:start"), {"path": "extract", "mode": mode})
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.error
    assert job.total >= 1 and job.done == job.total
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FINISHED
    assert run.dry_run is (mode == "dry_run") and run.started_by == sysadmin.user
    assert run.families["imported"] == 2
    html = admin.get(job.result_url).content.decode()
    counts = html.split('id="counts"')[1].split("</table>")[0]
    person = counts.split('data-table="ssd_person"')[1].split("</tr>")[0]
    expected = [str(run.tables["ssd_person"][n]) for n in report.COUNTS]
    assert [c.split(">")[-1] for c in person.split("</td>")[:5]] == expected
    assert "Reconciles: no" not in text(html)
