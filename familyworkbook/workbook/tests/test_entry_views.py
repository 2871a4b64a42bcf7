"""Recording entries through the pages: sign-in, validation, drafts, stale edits, confidentiality."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.workbook import services
from familyworkbook.workbook.models import Chapter, Entry, EntryDraft
from familyworkbook.workbook.tests.conftest import assert_error, entry_fields, post_data

pytestmark = pytest.mark.django_db


def add_url(family):
    return reverse("workbook:add_entry", args=[family.pk])


def test_workbook_pages_need_sign_in(anon_client, smith_family):
    for name in ("home", "add_entry", "chronology", "risk", "goals", "change"):
        response = anon_client.get(reverse(f"workbook:{name}", args=[smith_family.pk]))
        assert response.status_code == 302 and response.url.startswith("/sign-in/"), name


def test_a_missing_family_or_one_outside_my_scope_is_404(
    client, signed_in, priya, smith_family, smith_case, programmes
):
    signed_in(client, priya)  # South: the Smiths are North's
    for name in ("home", "add_entry", "chronology", "risk", "goals", "change"):
        assert client.get(reverse(f"workbook:{name}", args=[999999])).status_code == 404
        assert client.get(reverse(f"workbook:{name}", args=[smith_family.pk])).status_code == 404


def test_social_worker_records_a_module_session_with_analysis(
    sam_client, sam, smith_family, smith_case, module3, ava, alex
):
    response = sam_client.post(
        add_url(smith_family),
        post_data(
            **entry_fields(module=module3.pk, tools="Three houses, Words and pictures"),
            present=[ava.pk, alex.pk],
            tagged=[ava.pk],
            child_words="I make the cereal when mum is sad.",
            is_significant="on",
            headline="Ava described caring for her mum",
        ),
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == entry.get_absolute_url()
    assert entry.chapter == Chapter.SOCIAL_WORK and entry.author == sam
    assert entry.module == module3 and entry.programme_version == "2025.1"
    assert entry.tools == ["Three houses", "Words and pictures"]
    assert set(entry.present.all()) == {ava, alex} and list(entry.tagged.all()) == [ava]
    page = sam_client.get(response.url).content.decode()
    assert "I make the cereal when mum is sad." in page
    assert "3. The child&#x27;s world and voice" in page
    assert AuditEvent.objects.filter(verb="created", target_type="workbook.entry").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"what_happened": ""}, "Enter what happened"),
        ({"meaning_for_child": ""}, "Enter what it means for the child"),
        ({"what_happens_next": ""}, "Enter what happens next"),
        ({"kind": None}, "Select the kind of contact"),
        ({"happened_on": None}, "Enter the date of the session or visit"),
        ({"happened_on": dt.date(2099, 1, 1)}, "must be today or in the past"),
        ({"is_significant": "on"}, "Enter a headline for the chronology"),
        ({"completes_module": "on"}, "Select the module this session completes"),
    ],
)
def test_bad_input_shows_errors_saves_nothing_and_keeps_a_draft(
    sam_client, smith_family, programmes, change, message
):
    response = sam_client.post(add_url(smith_family), post_data(**entry_fields(**change)))
    assert_error(response, message)
    assert Entry.objects.count() == 0
    draft = EntryDraft.objects.get()
    assert draft.data["what_happened"] == [entry_fields(**change)["what_happened"] or ""]


def test_a_family_member_from_another_family_cannot_be_tagged(sam_client, smith_family, programmes):
    from familyworkbook.demo import builders

    other = builders.family("Jones", children=1, adults=0).members.get()
    response = sam_client.post(
        add_url(smith_family), post_data(**entry_fields(), tagged=[other.pk])
    )
    assert_error(response, "Select members of this family")
    assert Entry.objects.count() == 0


def test_autosaved_draft_survives_signing_out_and_back_in(
    client, signed_in, sam, smith_family, programmes
):
    signed_in(client, sam)
    response = client.post(
        reverse("workbook:save_draft", args=[smith_family.pk]),
        {"what_happened": "Half-written note", "kind": "home_visit"},
    )
    assert response.status_code == 200 and "Draft saved at" in response.json()["message"]
    client.logout()
    signed_in(client, sam)
    page = client.get(add_url(smith_family)).content.decode()
    assert "We restored your unsaved draft" in page
    assert "Half-written note" in page


def test_a_signed_out_autosave_is_redirected_and_keeps_the_earlier_draft(
    anon_client, sam, smith_family, programmes
):
    services.save_draft(family=smith_family, by=sam.user, data={"what_happened": ["kept"]})
    response = anon_client.post(
        reverse("workbook:save_draft", args=[smith_family.pk]), {"what_happened": "lost"}
    )
    assert response.status_code == 302
    assert EntryDraft.objects.get().data == {"what_happened": ["kept"]}


def test_drafts_are_per_worker(client, signed_in, sam, mo, smith_family, programmes):
    services.save_draft(family=smith_family, by=sam.user, data={"what_happened": ["Sam's words"]})
    signed_in(client, mo)
    assert "Sam&#x27;s words" not in client.get(add_url(smith_family)).content.decode()


def test_submitting_clears_the_draft(sam_client, sam, smith_family, programmes):
    services.save_draft(family=smith_family, by=sam.user, data={"what_happened": ["x"]})
    sam_client.post(add_url(smith_family), post_data(**entry_fields()))
    assert Entry.objects.count() == 1 and EntryDraft.objects.count() == 0


def test_discarding_a_draft(sam_client, sam, smith_family, programmes):
    services.save_draft(family=smith_family, by=sam.user, data={"what_happened": ["x"]})
    response = sam_client.post(reverse("workbook:discard_draft", args=[smith_family.pk]))
    assert response.status_code == 302 and EntryDraft.objects.count() == 0


def _entry(by, family, **fields):
    return services.record_entry(family=family, by=by.user, **entry_fields(**fields))


def test_a_stale_edit_is_refused_and_says_who_changed_what(
    sam_client, sam, smith_family, programmes
):
    entry = _entry(sam, smith_family)
    services.edit_entry(
        entry,
        by=sam.user,
        expected_version=1,
        **{**entry_fields(), "what_happens_next": "Changed in another tab"},
    )
    url = reverse("workbook:edit_entry", args=[smith_family.pk, entry.pk])
    response = sam_client.post(url, post_data(**entry_fields(what_happened="Mine"), version=1))
    assert_error(response, "after you opened this page. Nothing has been saved.", status=409)
    assert "Changed in another tab" in response.content.decode()
    entry.refresh_from_db()
    assert entry.what_happened != "Mine" and entry.version == 2


def test_the_author_corrects_an_entry(sam_client, sam, smith_family, programmes):
    entry = _entry(sam, smith_family)
    url = reverse("workbook:edit_entry", args=[smith_family.pk, entry.pk])
    assert sam_client.get(url).status_code == 200
    response = sam_client.post(url, post_data(**entry_fields(what_happened="Corrected"), version=1))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.what_happened == "Corrected" and entry.version == 2


def test_only_the_author_can_open_the_edit_form(
    client, signed_in, sam, priya, smith_family, programmes
):
    entry = _entry(sam, smith_family)
    signed_in(client, priya)
    assert (
        client.get(reverse("workbook:edit_entry", args=[smith_family.pk, entry.pk])).status_code
        == 404
    )


def test_an_entry_of_another_family_is_404(sam_client, sam, smith_family, programmes):
    from familyworkbook.demo import builders

    other = builders.family("Jones")
    entry = _entry(sam, smith_family)
    assert sam_client.get(reverse("workbook:entry", args=[other.pk, entry.pk])).status_code == 404


def test_specialist_records_confidential_detail_the_team_sees_only_the_summary(
    client, signed_in, ray, sam, smith_family, smith_case, programmes
):
    signed_in(client, ray)
    form_page = client.get(add_url(smith_family)).content.decode()
    assert "Health-confidential detail" in form_page
    response = client.post(
        add_url(smith_family),
        post_data(
            **entry_fields(),
            shared_summary="Engaging well; testing continues.",
            confidential_detail="Hair strand test positive for cocaine.",
        ),
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and entry.chapter == Chapter.SUBSTANCE_MISUSE
    assert "Hair strand test" in client.get(response.url).content.decode()
    signed_in(client, sam)
    page = client.get(response.url).content.decode()
    assert "Engaging well; testing continues." in page
    assert "Hair strand test" not in page
    change = AuditEvent.objects.get(verb="created", target_type="workbook.entry")
    assert "Hair strand" not in str(change.data)


def test_a_specialist_must_share_a_summary_of_confidential_detail(
    client, signed_in, ray, smith_family, programmes
):
    signed_in(client, ray)
    response = client.post(
        add_url(smith_family), post_data(**entry_fields(), confidential_detail="x")
    )
    assert_error(response, "Enter the summary you share with the team")
    assert Entry.objects.count() == 0


def test_a_social_worker_is_not_offered_the_confidential_field(
    sam_client, smith_family, programmes
):
    page = sam_client.get(add_url(smith_family)).content.decode()
    assert "confidential_detail" not in page
    sam_client.post(
        add_url(smith_family), post_data(**entry_fields(), confidential_detail="ignored")
    )
    assert Entry.objects.get().confidential_detail == ""


def test_chapter_page_lists_that_chapters_entries(sam_client, sam, ray, smith_family, programmes):
    _entry(sam, smith_family, what_happened="Social work visit")
    _entry(ray, smith_family, what_happened="Recovery session")
    response = sam_client.get(
        reverse("workbook:chapter", args=[smith_family.pk, "substance_misuse"])
    )
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 1
    assert (
        sam_client.get(reverse("workbook:chapter", args=[smith_family.pk, "nonsense"])).status_code
        == 404
    )
