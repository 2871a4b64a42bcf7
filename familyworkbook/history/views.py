""" "Changes to this record": field history for managers and information governance.

The same gate as "who has seen this record" (policy.may_see_who_has_seen), and the record
through the access policy: anyone else, or a record out of scope, gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from familyworkbook import history
from familyworkbook.access import policy, records
from familyworkbook.history import selectors


def _require_gate(request: HttpRequest) -> None:
    if not policy.may_see_who_has_seen(request.user):
        raise Http404


@login_required
@require_GET
def person_changes(request: HttpRequest, person_id: int) -> HttpResponse:
    _require_gate(request)
    person = records.get_person_for(request.user, person_id, request=request)
    return render(
        request,
        "history/changes.html",
        {
            "record_name": person.full_name,
            "back": person.get_absolute_url(),
            "enabled": history.enabled(),
            "changes": selectors.changes_to_person(person, request.user)
            if history.enabled()
            else [],
            "limit": selectors.LIMIT,
        },
    )


@login_required
@require_GET
def family_changes(request: HttpRequest, family_id: int) -> HttpResponse:
    _require_gate(request)
    family = records.get_family_for(request.user, family_id, request=request)
    return render(
        request,
        "history/changes.html",
        {
            "record_name": str(family),
            "back": family.get_absolute_url(),
            "enabled": history.enabled(),
            "changes": selectors.changes_to_family(family, request.user)
            if history.enabled()
            else [],
            "limit": selectors.LIMIT,
        },
    )
