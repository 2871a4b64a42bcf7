"""Meeting types admin: system administrators add and edit the council's meeting types.

Anyone else gets 404, as for a record they may not see. Types hold no one's personal data, so
reading them is not audited; every change is (in the service)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from familyworkbook.cases.formflow import CONFLICT, add_service_errors, stale_differences
from familyworkbook.core.models import StaleEditError
from familyworkbook.meetings import forms as mf
from familyworkbook.meetings.models import MeetingType
from familyworkbook.meetings.services import types as type_services
from familyworkbook.teams.models import Role, Worker

GET_POST = ["GET", "POST"]


def require_system_admin(request: HttpRequest) -> None:
    if not Worker.objects.filter(user=request.user, role=Role.SYSTEM_ADMIN).exists():
        raise Http404


@login_required
@require_http_methods(["GET"])
def type_list(request: HttpRequest) -> HttpResponse:
    require_system_admin(request)
    return render(
        request,
        "meetings/types.html",
        {"types": MeetingType.objects.all(), "roles": dict(Role.choices)},
    )


def _type_form(
    request: HttpRequest, mtype: MeetingType | None, initial: dict[str, Any]
) -> HttpResponse:
    form = mf.MeetingTypeForm(request.POST or None, initial=initial, adding=mtype is None)
    status, differences = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            if mtype is None:
                type_services.create_meeting_type(
                    by=request.user, slug=form.cleaned_data["slug"], data=form.settings()
                )
            else:
                type_services.change_meeting_type(
                    by=request.user,
                    mtype=mtype,
                    data=form.settings(),
                    expected_version=form.cleaned_data["version"],
                )
        except StaleEditError as exc:
            # Their saved values beside the administrator's, and the form on the latest
            # version so that saving again replaces them (R20).
            differences = stale_differences(
                exc.record, form.settings(), labels={n: f.label for n, f in form.fields.items()}
            )
            data = request.POST.copy()
            data["version"] = str(exc.actual)
            form = mf.MeetingTypeForm(data, initial=initial, adding=False)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else changed this meeting type after you opened this page. "
                    "Nothing has been saved. Check their changes, then save again if you "
                    "still need to."
                ),
            )
            status = CONFLICT
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting type saved"))
            return redirect("meetings:types")
    back = reverse("meetings:types")
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "family": None,
            "caption": _("Meeting types"),
            "heading": _("Add a meeting type") if mtype is None else mtype.name,
            "back": back,
            "button": _("Save meeting type"),
            "stale_differences": differences,
        },
        status=status,
    )


@login_required
@require_http_methods(GET_POST)
def type_add(request: HttpRequest) -> HttpResponse:
    require_system_admin(request)
    return _type_form(request, None, {"per_family": True, "takes_contributions": True})


@login_required
@require_http_methods(GET_POST)
def type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    require_system_admin(request)
    mtype = get_object_or_404(MeetingType, pk=type_id)
    initial = {name: getattr(mtype, name) for name in type_services.EDITABLE}
    initial["version"] = mtype.version
    return _type_form(request, mtype, initial)
