"""Meeting pages. Thin: reach the family or meeting through `visible_to(user)` (404 for missing
and not-allowed alike), bind the form, call the service, redirect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from familyworkbook import audit
from familyworkbook.access.disclosure import require_disclosure
from familyworkbook.access.records import get_family_for
from familyworkbook.cases.formflow import CONFLICT, add_service_errors, form_page, refill_on_latest
from familyworkbook.cases.models import Case
from familyworkbook.core import clock
from familyworkbook.core.models import StaleEditError
from familyworkbook.meetings import agenda, charts, frequency, selectors, services
from familyworkbook.meetings import forms as mf
from familyworkbook.meetings.models import Meeting
from familyworkbook.meetings.services import invitations
from familyworkbook.teams.models import Team

GET_POST = ["GET", "POST"]


def meeting_for(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(
        selectors.meeting_queryset(Meeting.objects.visible_to(request.user)), pk=meeting_id
    )
    audit.record(
        actor=request.user,
        verb=audit.Verb.VIEWED,
        target=meeting,
        label="Meeting",
        data={"family": meeting.family_id},
        request=request,
    )
    return meeting


def _meeting_family(request, meeting_id: int):  # type: ignore[no-untyped-def]
    """The family a meeting is about (for its disclosure record), or None."""
    return Meeting.objects.filter(pk=meeting_id).values_list("family_id", flat=True).first()


@login_required
@require_http_methods(["GET"])
def family_meetings(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_family_for(request.user, family_id, request=request)
    meetings = (
        Meeting.objects.filter(family=family, archived_at__isnull=True)
        .select_related("type", "chair__user")
        .order_by("-starts_at", "-pk")
    )
    return render(request, "meetings/family.html", {"family": family, "meetings": meetings})


@login_required
@require_http_methods(GET_POST)
def plan(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_family_for(request.user, family_id, request=request)
    chair = services.worker_of(request.user)
    if chair is None:
        raise Http404
    cases = (
        Case.objects.visible_to(request.user).open().filter(family=family).select_related("team")
    )
    created: dict[str, Any] = {}

    def save(form: mf.PlanMeetingForm) -> None:
        d = form.cleaned_data
        created["meeting"] = services.plan_meeting(
            by=request.user,
            mtype=d["mtype"],
            family=family,
            case=d["case"],
            starts_at=d["starts_at"],
            chair=chair,
            duration_minutes=d["duration_minutes"],
            location=d["location"],
            video_link=d["video_link"],
            late_reason=d["late_reason"],
        )

    form = mf.PlanMeetingForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _email_invitations(request, created["meeting"])
            return redirect(created["meeting"].get_absolute_url())
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "family": family,
            "heading": _("Plan a meeting"),
            "back": reverse("meetings:family", args=[family.pk]),
            "button": _("Plan meeting"),
            "deadlines": agenda.deadlines_for(cases),
        },
    )


def _email_invitations(request: HttpRequest, m: Meeting) -> None:
    """Email the invitations (own transaction: the meeting stays planned if mail fails)."""
    try:
        result = invitations.send_invitations(
            meeting=m, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return
    except OSError:  # the mail server refused or could not be reached (smtplib errors too)
        messages.error(
            request, _("The invitations could not be emailed. Try again from the meeting page.")
        )
        return
    messages.success(
        request,
        ngettext(
            "Invitation emailed to %(n)s professional",
            "Invitations emailed to %(n)s professionals",
            result.sent,
        )
        % {"n": result.sent},
    )
    if result.without_email:
        messages.warning(
            request,
            _("No email address for %(names)s: invite them another way")
            % {"names": ", ".join(result.without_email)},
        )


@login_required
@require_POST
def send_invitations(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    _email_invitations(request, m)
    return redirect(m.get_absolute_url())


@login_required
@require_http_methods(["GET"])
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    me = services.worker_of(request.user)
    if m.family_id is None:
        return render(
            request,
            "meetings/team_meeting.html",
            {
                "meeting": m,
                "family": None,
                "agenda": selectors.unit_agenda(m.team),
                "attendances": m.attendances.select_related("worker__user"),
                "discussions": m.discussions.select_related("case__family"),
                "minutes_overdue": m.minutes_overdue(clock.now()),
                "is_chair": me is not None and me.pk == m.chair_id,
            },
        )
    page = selectors.meeting_page(m)
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": m,
            "page": page,
            "family": m.family,
            "agenda": agenda.agenda_for(m) if m.status == "planned" else [],
            "is_chair": me is not None and me.pk == m.chair_id,
        },
    )


@login_required
@require_http_methods(["GET"])
@require_disclosure("A meeting record (print)", family_of=_meeting_family)
def print_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    audit.record(actor=request.user, verb=audit.Verb.PRINTED, target=m, label="Meeting record")
    return render(
        request,
        "meetings/print.html",
        {"meeting": m, "page": selectors.meeting_page(m), "family": m.family},
    )


@login_required
@require_http_methods(["GET"])
@require_disclosure("A meeting invitation (calendar file)", family_of=_meeting_family)
def ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    audit.record(
        actor=request.user, verb=audit.Verb.DOWNLOADED, target=m, label="Meeting calendar file"
    )
    response = HttpResponse(
        selectors.ics(m, host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{m.pk}.ics"'
    return response


@login_required
@require_http_methods(GET_POST)
def contribute(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    me = services.worker_of(request.user)
    if me is None:
        raise Http404
    suggestion = services.suggested_contribution(m, me)

    def make(data: Any) -> mf.ContributionForm:
        return mf.ContributionForm(data, initial={"text": suggestion.text})

    return form_page(
        request,
        make_form=make,
        save=lambda form: services.contribute(
            meeting=m, by=request.user, text=form.cleaned_data["text"], drawn_from=suggestion.entry
        ),
        success=_("Contribution added to the meeting record"),
        success_url=m.get_absolute_url(),
        template="meetings/form.html",
        context={
            "family": m.family,
            "heading": _("Add your contribution"),
            "back": m.get_absolute_url(),
            "suggestion": suggestion,
        },
    )


@login_required
@require_http_methods(GET_POST)
def record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    if m.is_signed_off:
        messages.info(
            request, _("This record has been signed off. Add an amendment to correct it.")
        )
        return redirect(m.get_absolute_url())
    page = selectors.meeting_page(m)
    kwargs = {
        "meeting": m,
        "attendances": page.attendances,
        "carried": page.carried,
        "workers": selectors.workers_of_family(m),
        "adults": selectors.involved_adults(m),
    }
    initial = {
        "version": m.version,
        "held_on": m.held_on or clock.today(),
        "rag": m.rag,
        "rag_reason": m.rag_reason,
        "childs_voice": m.childs_voice,
        "working_well": m.working_well,
        "worries": m.worries,
    }
    form = mf.RecordMeetingForm(request.POST or None, initial=initial, **kwargs)
    status, differences = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            services.record_meeting(meeting=m, by=request.user, **form.service_kwargs())
        except StaleEditError as exc:
            form, differences = refill_on_latest(
                exc,
                mine=form,
                data=request.POST,
                make_form=lambda d: mf.RecordMeetingForm(d, initial=initial, **kwargs),
            )
            status = CONFLICT
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting record saved"))
            return redirect(m.get_absolute_url())
    return render(
        request,
        "meetings/record.html",
        {
            "form": form,
            "meeting": m,
            "page": page,
            "family": m.family,
            "stale_differences": differences,
        },
        status=status,
    )


@login_required
@require_POST
def sign_off(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    try:
        services.sign_off(meeting=m, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Record signed off"))
    return redirect(m.get_absolute_url())


@login_required
@require_http_methods(GET_POST)
def amend(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    return form_page(
        request,
        make_form=lambda data: mf.AmendmentForm(data),
        save=lambda form: services.amend(meeting=m, by=request.user, **form.cleaned_data),
        success=_("Amendment added"),
        success_url=m.get_absolute_url(),
        template="meetings/form.html",
        context={
            "family": m.family,
            "heading": _("Amend the signed-off record"),
            "back": m.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET"])
def due(request: HttpRequest) -> HttpResponse:
    """Group supervisions due and overdue, for the user's teams and for the user."""
    teams = list(Team.objects.of_user(request.user))
    team_id = request.GET.get("team")
    team = next((t for t in teams if str(t.pk) == team_id), teams[0] if teams else None)
    visible = Case.objects.visible_to(request.user)
    me = services.worker_of(request.user)
    team_rows = selectors.due_supervisions(visible.filter(team=team)) if team else []
    my_rows = selectors.due_supervisions(visible.allocated_to(me)) if me else []
    late_minutes = (
        selectors.overdue_minutes(Meeting.objects.visible_to(request.user).filter(team=team))
        if team
        else []
    )
    return render(
        request,
        "meetings/due.html",
        {
            "teams": teams,
            "team": team,
            "team_rows": team_rows,
            "my_rows": my_rows,
            "late_minutes": late_minutes,
        },
    )


# --- Supervision frequency ------------------------------------------------------------------


def _frequency(request: HttpRequest) -> tuple[mf.SupervisionPeriodForm, Any]:
    """The form (bound to the query string, or to the last six months) and, when it is valid,
    the report over the cases the user may see (a team of them if one is chosen)."""
    visible = Case.objects.visible_to(request.user)
    teams = list(Team.objects.filter(pk__in=visible.values("team")).order_by("name"))
    today = clock.today()
    default_from = today - dt.timedelta(days=182)
    data = request.GET if "scope" in request.GET else None
    form = mf.SupervisionPeriodForm(
        data,
        teams=teams,
        initial={"scope": "all", "date_from": default_from, "date_to": today},
    )
    if data is None:
        form = mf.SupervisionPeriodForm(
            {
                "scope": "all",
                **{f"date_from_{k}": getattr(default_from, k) for k in ("day", "month", "year")},
                **{f"date_to_{k}": getattr(today, k) for k in ("day", "month", "year")},
            },
            teams=teams,
        )
    if not form.is_valid():
        return form, None
    cases = visible.filter(team=form.team) if form.team else visible
    report = frequency.supervision_report(
        cases, since=form.cleaned_data["date_from"], until=form.cleaned_data["date_to"]
    )
    return form, report


def _frequency_audit(request: HttpRequest, verb: str, form: Any, report: Any) -> None:
    audit.record(
        actor=request.user,
        verb=verb,
        label="Group supervision frequency report",
        data={
            "scope": form.cleaned_data["scope"],
            "from": form.cleaned_data["date_from"],
            "to": form.cleaned_data["date_to"],
            "cases": [c.case_id for c in report.cases],
        },
        request=request,
    )


PAGE_ROWS = 100  # cases listed on the page, longest gaps first; the CSV has every case


@login_required
@require_http_methods(["GET"])
def supervision_frequency(request: HttpRequest) -> HttpResponse:
    form, report = _frequency(request)
    if report is not None:
        _frequency_audit(request, audit.Verb.VIEWED, form, report)
    top = max((d.attendances for d in report.disciplines), default=0) if report else 0
    bars = charts.bars(report.disciplines, top) if report else []
    return render(
        request,
        "meetings/frequency.html",
        {
            "form": form,
            "report": report,
            "bars": bars,
            "shown": report.longest_gaps(PAGE_ROWS) if report else [],
            "page_rows": PAGE_ROWS,
            "chart_height": charts.height(bars),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET"])
@require_disclosure("Supervision frequency (CSV)", internal=True)
def supervision_frequency_csv(request: HttpRequest) -> HttpResponse:
    form, report = _frequency(request)
    if report is None:
        return redirect(reverse("meetings:supervision") + "?" + request.GET.urlencode())
    _frequency_audit(request, audit.Verb.EXPORTED, form, report)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="group-supervision-{report.since:%Y%m%d}-{report.until:%Y%m%d}.csv"'
    )
    frequency.write_csv(report, response)
    return response


# --- Team meetings ---------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def plan_team_meeting(request: HttpRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.of_user(request.user), pk=team_id)
    chair = services.worker_of(request.user)
    if chair is None:
        raise Http404
    created: dict[str, Meeting] = {}

    def save(form: mf.PlanTeamMeetingForm) -> None:
        d = form.cleaned_data
        created["meeting"] = services.plan_team_meeting(
            by=request.user, mtype=d["mtype"], team=team, starts_at=d["starts_at"], chair=chair
        )

    response = form_page(
        request,
        make_form=lambda data: mf.PlanTeamMeetingForm(data),
        save=save,
        success=_("Team meeting planned"),
        success_url=reverse("meetings:due"),
        template="meetings/form.html",
        context={
            "family": None,
            "caption": team.name,
            "heading": _("Plan a team meeting"),
            "back": reverse("meetings:due") + f"?team={team.pk}",
        },
    )
    if "meeting" in created:
        _email_invitations(request, created["meeting"])
        response["Location"] = created["meeting"].get_absolute_url()
    return response


@login_required
@require_http_methods(GET_POST)
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = meeting_for(request, meeting_id)
    if m.family_id is not None or m.is_signed_off:
        raise Http404
    agenda = selectors.unit_agenda(m.team)
    initial = {"version": m.version, "held_on": m.held_on or clock.today()}
    form = mf.MinutesForm(request.POST or None, agenda=agenda, initial=initial)
    status, differences = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            services.record_team_meeting(
                meeting=m,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                held_on=form.cleaned_data["held_on"],
                notes=form.notes(),
            )
        except StaleEditError as exc:
            form, differences = refill_on_latest(
                exc,
                mine=form,
                data=request.POST,
                make_form=lambda d: mf.MinutesForm(d, agenda=agenda, initial=initial),
            )
            status = CONFLICT
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Minutes saved"))
            return redirect(m.get_absolute_url())
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "family": None,
            "caption": f"{m.team}: {m.type}",
            "heading": _("Write the minutes"),
            "back": m.get_absolute_url(),
            "stale_differences": differences,
        },
        status=status,
    )
