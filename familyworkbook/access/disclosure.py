"""R6: no export, print or download leaves without a complete disclosure record.

`@require_disclosure("What is disclosed")` goes on every view that hands a record over as a
file or a print (decision: access-disclosure-record). The first request for such a page is a
probe: the view runs inside a savepoint so that, if it would refuse (404, 403, a redirect), the
refusal is returned unchanged, with its audit row; if it would serve the file, everything it
wrote is rolled back, nothing is sent, and the worker is taken to the disclosure form (who,
what, to whom, why, the lawful basis, and the consent or the reason for sharing without it).
Saving the form writes a `SharingRecord` and its audit row in one transaction and sends the
worker back to the page with `?disclosure=<id>`; the view then runs for real. A record is good
for that worker, that exact page and `VALID_FOR` only.

Management files that name no family (a team's measures, supervision, insights) are
`internal=True`: the worker still states why, and the record is marked internal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from familyworkbook.access.models import Decision, SharingRecord

PARAM = "disclosure"
VALID_FOR = dt.timedelta(minutes=15)
SIGNING_NAMESPACE = "familyworkbook.access.disclosure"
TOKEN_MAX_AGE = 60 * 60

FamilyOf = Callable[..., Any]


def page_of(request: HttpRequest) -> str:
    """The page asked for, without the disclosure parameter (what a record is good for)."""
    query = [(k, v) for k, values in request.GET.lists() if k != PARAM for v in values]
    return request.path + (f"?{urlencode(query)}" if query else "")


def with_disclosure(page: str, record: SharingRecord) -> str:
    return f"{page}{'&' if '?' in page else '?'}{PARAM}={record.pk}"


def valid_record(request: HttpRequest) -> SharingRecord | None:
    raw = request.GET.get(PARAM, "")
    if not raw.isdigit() or not request.user.is_authenticated:
        return None
    return SharingRecord.objects.filter(
        pk=int(raw),
        created_by=request.user,
        decision=Decision.SHARED,
        path=page_of(request),
        created_at__gte=timezone.now() - VALID_FOR,
        archived_at__isnull=True,
    ).first()


def make_token(request: HttpRequest, *, what: str, family_id: int | None, internal: bool) -> str:
    return signing.dumps(
        {
            "user": request.user.pk,
            "path": page_of(request),
            "what": what,
            "family": family_id,
            "internal": internal,
        },
        salt=SIGNING_NAMESPACE,
    )


def read_token(request: HttpRequest, token: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(token, salt=SIGNING_NAMESPACE, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("user") != request.user.pk:
        return None
    return data


def _family_id(kwargs: dict[str, Any], family_of: FamilyOf | None, request: HttpRequest) -> Any:
    if family_of is not None:
        family = family_of(request, **kwargs)
        return getattr(family, "pk", family)
    return kwargs.get("family_id")


def require_disclosure(
    what: str, *, family_of: FamilyOf | None = None, internal: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Refuse to serve the decorated export/print/download without a disclosure record.

    `what` names what is handed over ("The family's chronology (print)"). The family is the
    view's `family_id`, or what `family_of(request, **kwargs)` returns (a Family or its id).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in {"GET", "HEAD"}:
                return view(request, *args, **kwargs)
            record = valid_record(request)
            if record is not None:
                request.disclosure = record  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)
            refused: Exception | None = None
            with transaction.atomic():
                try:
                    response = view(request, *args, **kwargs)
                except (Http404, PermissionDenied) as exc:
                    refused = exc  # keep its audit row: leave the block normally
                else:
                    if response.status_code != 200:
                        return response
                    transaction.set_rollback(True)
            if refused is not None:
                raise refused
            # Not response.close(): that sends request_finished, which closes the database
            # connection in the middle of this request. The discarded body is left to GC.
            del response
            family_id = None if internal else _family_id(kwargs, family_of, request)
            token = make_token(
                request,
                what=what,
                family_id=family_id,
                # A file about no one family (a team meeting) is an internal disclosure.
                internal=internal or family_id is None,
            )
            return HttpResponseRedirect(f"{reverse('access:disclose')}?{urlencode({'t': token})}")

        wrapped._fwb_disclosure = {"what": what, "internal": internal}  # type: ignore[attr-defined]
        return wrapped

    return decorator


def is_guarded(view: Any) -> bool:
    """Whether a view (or the view it wraps) carries `require_disclosure`."""
    seen = 0
    while view is not None and seen < 10:
        if getattr(view, "_fwb_disclosure", None):
            return True
        view = getattr(view, "__wrapped__", None)
        seen += 1
    return False
