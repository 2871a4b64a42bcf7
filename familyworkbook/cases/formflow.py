"""The one shape every form page here follows: bind, validate, call the service, redirect.

Kept in one place so that every form behaves the same when a service refuses (the message
lands on the field it concerns) or when someone else saved the record first (nothing is
saved; the page says who changed what, and the form is ready to submit again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
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
    value = getattr(record, name)
    if value in (None, ""):
        return _("not recorded")
    field = record._meta.get_field(name)
    if field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(formats.date_format(value, "j F Y")) if hasattr(value, "year") else str(value)


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
    """GET shows the form; a valid POST calls `save(form)` and redirects with `success`."""
    form = make_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except StaleEditError as exc:
            data = request.POST.copy()
            data["version"] = str(exc.actual)
            form = make_form(data)
            form.is_valid()
            form.add_error(None, stale_message(exc.record, form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(success_url)
    return render(request, template, {**context, "form": form})
