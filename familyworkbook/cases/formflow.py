"""The one shape every form page here follows: bind, validate, call the service, redirect.

Kept in one place so that every form behaves the same when a service refuses (the message
lands on the field it concerns) or when someone else saved the record first (nothing is
saved; the page answers 409 Conflict, says who changed what, shows their saved value beside
the worker's answer for each field that differs, and the form is re-filled with the worker's
answers on the latest version, so saving again merges on top: R20).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from familyworkbook.core.models import StaleEditError

FormFactory = Callable[[QueryDict | None], forms.Form]


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form field it names, or at the top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def _display(record: models.Model, name: str) -> str:
    return _display_value(record._meta.get_field(name), getattr(record, name))


def _display_value(field: Any, value: Any) -> str:
    """A value as the page shows it: choices by label, dates in words, yes/no."""
    if value in (None, "", [], ()):
        return _("not recorded")
    if isinstance(value, list | tuple | set):
        return ", ".join(_display_value(field, v) for v in value)
    if getattr(field, "choices", None):
        labels = {str(k): str(v) for k, v in field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(formats.date_format(value, "j F Y")) if hasattr(value, "year") else str(value)


# The status a refused stale save answers with (R20): the page still re-shows the form.
CONFLICT = 409


def stale_differences(
    record: models.Model, mine: dict[str, Any], *, labels: dict[str, Any] | None = None
) -> list[dict[str, str]]:
    """Field by field, where the saved record (theirs) and the worker's answers (mine) differ.

    `mine` is the worker's cleaned answers; only names that are fields of the record are
    compared (a form's other inputs have nothing saved to compare with).
    """
    fresh = type(record)._default_manager.get(pk=record.pk)
    rows = []
    for name, value in mine.items():
        if name == "version":
            continue
        try:
            field = fresh._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, models.Field) or field.many_to_many:
            continue
        theirs, typed = _display(fresh, name), _display_value(field, value)
        if theirs != typed:
            label = (labels or {}).get(name) or field.verbose_name
            rows.append({"label": str(label).rstrip(), "theirs": theirs, "mine": typed})
    return rows


def refill_on_latest(
    exc: StaleEditError,
    *,
    mine: forms.Form,
    data: QueryDict,
    make_form: FormFactory,
    fields: Any = None,
) -> tuple[forms.Form, list[dict[str, str]]]:
    """After a refused stale save: the form re-filled with the worker's answers on the latest
    version (saving again merges on top), its error saying who changed what, and the diff.

    `fields`, when given, narrows the message to those field names (a form can hold inputs
    that must not be repeated in a message, such as confidential detail).
    """
    differences = stale_differences(
        exc.record,
        {n: v for n, v in mine.cleaned_data.items() if fields is None or n in fields},
        labels={n: f.label for n, f in mine.fields.items()},
    )
    data = data.copy()
    data["version"] = str(exc.actual)
    form = make_form(data)
    form.is_valid()
    shown = form if fields is None else SimpleNamespace(fields={n: None for n in fields})
    form.add_error(None, stale_message(exc.record, shown))  # type: ignore[arg-type]
    return form, differences


def stale_message(record: models.Model, form: forms.Form) -> str:
    """Who changed the record, when, and what the fields on this form now hold."""
    record = type(record)._default_manager.select_related("modified_by").get(pk=record.pk)
    names = [n for n in form.fields if n != "version" and hasattr(record, n)]
    now_holds = "; ".join(
        f"{record._meta.get_field(n).verbose_name}: {_display(record, n)}"
        for n in names
        if isinstance(record._meta.get_field(n), models.Field)
    )
    when = timezone.localtime(record.modified_at)  # type: ignore[attr-defined]
    return _(
        "%(who)s changed this record at %(time)s on %(date)s, after you opened this page. "
        "Nothing has been saved. It now shows %(values)s. Check, then save again if you still "
        "need to."
    ) % {
        "who": record.modified_by or _("Someone else"),  # type: ignore[attr-defined]
        "time": f"{when:%H:%M}",
        "date": formats.date_format(when, "j F Y"),
        "values": now_holds or _("other changes"),
    }


def form_page(
    request: HttpRequest,
    *,
    make_form: FormFactory,
    save: Callable[[Any], Any],
    success: str,
    success_url: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """GET shows the form; a valid POST calls `save(form)` and redirects with `success`.

    A stale save answers 409 with the form re-filled on the latest version and the diff.
    """
    form = make_form(request.POST if request.method == "POST" else None)
    status, differences = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except StaleEditError as exc:
            form, differences = refill_on_latest(
                exc, mine=form, data=request.POST, make_form=make_form
            )
            status = CONFLICT
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(success_url)
    return render(
        request,
        template,
        {**context, "form": form, "stale_differences": differences},
        status=status,
    )
