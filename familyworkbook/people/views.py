"""Pages to find, add and change people, families, relationships and addresses.

Every record is fetched through its `visible_to(user)` QuerySet, so a record the worker may
not see looks exactly like one that does not exist (404), and every write goes through
`services`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from familyworkbook import audit
from familyworkbook.core import scoping
from familyworkbook.core.models import StaleEditError
from familyworkbook.people import services
from familyworkbook.people.forms import (
    AddressForm,
    EditPersonForm,
    EndForm,
    FamilyForm,
    MembershipForm,
    PersonForm,
    RegistrationForm,
    RelationshipForm,
    SearchForm,
    people_in_families_of,
)
from familyworkbook.people.models import (
    Address,
    Family,
    FamilyMembership,
    Person,
    Relationship,
)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _show_service_error(form: Form, error: ValidationError) -> None:
    """Put a rule the service refused into the form's error summary."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _people_with_families(people: Any, user: Any) -> Any:
    """One query for the people, one for the families they currently belong to."""
    memberships = (
        FamilyMembership.objects.ongoing()
        .filter(family__in=Family.objects.visible_to(user))
        .select_related("family")
        .order_by("family__name", "pk")
    )
    return people.prefetch_related(
        Prefetch("memberships", queryset=memberships, to_attr="current_memberships")
    )


def _people_matching(user: Any, query: str) -> Any:
    """People the user may see who match by name, birth date or identifier, and, when the
    query is a family reference, the family's current members the user may see.

    Members are added only for a family the user may open, never through Person.search: a
    restricted person's family must not show through the restricted-records warning."""
    visible = Person.objects.visible_to(user)
    found = visible.search(query)
    reference = "".join(query.split())
    if not any(c.isdigit() for c in reference):  # a name: no reference to look up
        return found
    families = Family.objects.visible_to(user).filter(reference__iexact=reference)
    if not families.exists():
        return found
    members = FamilyMembership.objects.ongoing().filter(family__in=families)
    return visible.filter(Q(pk__in=found.values("pk")) | Q(pk__in=members.values("person_id")))


def _results_page(results: Any, number: str | None) -> Any:
    """A page of search results. The first page reads one more row than a page holds: when
    that is all there is (most searches: a worker may see few people of any name), the page
    needs no COUNT, which costs as much as the search itself."""
    if number in (None, "", "1"):
        first = list(results[: settings.PAGE_SIZE + 1])
        if len(first) <= settings.PAGE_SIZE:
            return Paginator(first, settings.PAGE_SIZE).get_page(1)
        page = Paginator(results, settings.PAGE_SIZE).get_page(1)
        page.object_list = first[: settings.PAGE_SIZE]
        return page
    return Paginator(results, settings.PAGE_SIZE).get_page(number)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    people_page = families = None
    family_count = 0
    restricted_names: list[str] = []
    if query:
        # Every search is evidence of who looked for whom: the text typed is kept.
        audit.record(
            actor=request.user, verb=audit.Verb.SEARCHED, data={"query": query}, request=request
        )
        restricted_names = scoping.hook("restricted_matches", request.user, query, default=[])
        people = _people_with_families(_people_matching(request.user, query), request.user)
        people_page = _results_page(people, request.GET.get("page"))
        if people_page.number == 1:
            matching = Family.objects.visible_to(request.user).search(query)
            families = list(matching[: settings.PAGE_SIZE])
            family_count = len(families)
            if family_count == settings.PAGE_SIZE:
                family_count = matching.count()
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "query": query,
            "people_page": people_page,
            "families": families,
            "family_count": family_count,
            "restricted_names": restricted_names,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest) -> HttpResponse:
    family = None
    if request.GET.get("family"):
        family = scoping.get_for(
            request.user, Family.objects.visible_to(request.user), _int(request.GET["family"])
        )
    form = PersonForm(_posted(request))
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        person = form.save(commit=False)
        if request.POST.get("confirm_not_duplicate") != "1":
            duplicates = services.possible_duplicates(
                person, visible=Person.objects.visible_to(request.user)
            )
            if duplicates:
                return render(
                    request,
                    "people/person_duplicates.html",
                    {
                        "form": form,
                        "family": family,
                        "person": person,
                        "duplicates": duplicates,
                        "posted": _hidden_fields(request),
                    },
                )
        services.add_person(person, by=request.user, family=family)
        messages.success(request, _("%(name)s added") % {"name": person.full_name})
        return redirect(family or person)
    return render(request, "people/person_form.html", {"form": form, "family": family})


def _hidden_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """What the worker typed, carried unchanged through the duplicate warning."""
    skip = {"csrfmiddlewaretoken", "confirm_not_duplicate", "change"}
    return [
        (name, value)
        for name in request.POST
        if name not in skip
        for value in request.POST.getlist(name)
    ]


def _int(value: str) -> int:
    """An id from the query string; anything else is a page that does not exist."""
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def edit_person(request: HttpRequest, person_id: int) -> HttpResponse:
    person = scoping.get_for(
        request.user,
        Person.objects.visible_to(request.user),
        person_id,
        audit_read=True,
        label=lambda p: p.full_name,
        request=request,
    )
    form = EditPersonForm(_posted(request), instance=person)
    differences: list[dict[str, str]] = []
    latest = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEditError:
            # Show their saved values beside the worker's answers and let them save on top.
            latest = scoping.get_for(
                request.user,
                Person.objects.visible_to(request.user).select_related("modified_by"),
                person_id,
            )
            differences = form.differences(theirs=latest, mine=person)
            data = request.POST.copy()
            data["version"] = str(latest.version)
            form = EditPersonForm(data, instance=latest)
            form.is_valid()
            form.add_error(None, _("Someone else changed this record while you were editing it"))
            status = HTTPStatus.CONFLICT  # R20: a refused stale save is a conflict (409)
        else:
            messages.success(request, _("%(name)s's details saved") % {"name": person.full_name})
            return redirect(person)
    return render(
        request,
        "people/person_edit.html",
        {
            "form": form,
            "person": latest or person,
            "differences": differences,
            "conflict": latest,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_family(request: HttpRequest) -> HttpResponse:
    first_member = None
    if request.GET.get("person"):
        first_member = scoping.get_for(
            request.user, Person.objects.visible_to(request.user), _int(request.GET["person"])
        )
    form = FamilyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        family = services.add_family(
            by=request.user, name=form.cleaned_data["name"], first_member=first_member
        )
        messages.success(request, _("%(family)s added") % {"family": family})
        return redirect(family)
    return render(request, "people/family_form.html", {"form": form, "first_member": first_member})


@login_required
@require_http_methods(["GET", "POST"])
def add_member(request: HttpRequest, family_id: int) -> HttpResponse:
    family = scoping.get_for(request.user, Family.objects.visible_to(request.user), family_id)
    visible_people = Person.objects.visible_to(request.user)
    chosen = None
    if request.GET.get("person"):
        chosen = scoping.get_for(request.user, visible_people, _int(request.GET["person"]))
    form = MembershipForm(_posted(request), people=visible_people, person=chosen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.add_member(
                family,
                by=request.user,
                person=data["person"],
                kind=data["kind"],
                contact=data["contact"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s added to %(family)s")
                % {"name": membership.person.full_name, "family": family.name},
            )
            return redirect(family)
    search_form = SearchForm(request.GET or None)
    query = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    results: list[Person] = []
    member_ids: set[int] = set()
    if query and chosen is None:
        results = list(visible_people.search(query)[: settings.PAGE_SIZE])
        member_ids = set(family.memberships.ongoing().values_list("person_id", flat=True))
    return render(
        request,
        "people/member_form.html",
        {
            "form": form,
            "family": family,
            "chosen": chosen,
            "search_form": search_form,
            "query": query,
            "results": results,
            "member_ids": member_ids,
            "page_size": settings.PAGE_SIZE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_membership(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = scoping.get_for(
        request.user,
        FamilyMembership.objects.visible_to(request.user).select_related("person", "family"),
        membership_id,
    )
    form = EndForm(
        _posted(request),
        label=_("Date they left the family"),
        required_message=_("Enter the date they left the family"),
        not_before=membership.started_on,
        before_message=_("The date they left must be on or after the date they joined"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(membership, by=request.user, on=form.cleaned_data["on"])
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has left %(family)s")
                % {"name": membership.person.full_name, "family": membership.family.name},
            )
            return redirect(membership.family)
    return _render_end(
        request,
        form,
        back=membership.family.get_absolute_url(),
        title=_("%(name)s leaves %(family)s")
        % {"name": membership.person.full_name, "family": membership.family.name},
        button=_("End membership"),
    )


def _render_end(
    request: HttpRequest, form: EndForm, *, back: str, title: str, button: str
) -> HttpResponse:
    return render(
        request,
        "people/end_form.html",
        {"form": form, "back": back, "title": title, "button": button},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_relationship(request: HttpRequest, person_id: int) -> HttpResponse:
    visible_people = Person.objects.visible_to(request.user)
    person = scoping.get_for(request.user, visible_people, person_id)
    candidates = people_in_families_of(person, visible_people)
    form = RelationshipForm(_posted(request), person=person, people=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_relationship(person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, _("Relationship added"))
            return redirect(person)
    return render(
        request,
        "people/relationship_form.html",
        {
            "form": form,
            "person": person,
            "has_candidates": candidates.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_relationship(request: HttpRequest, relationship_id: int) -> HttpResponse:
    relationship = scoping.get_for(
        request.user,
        Relationship.objects.visible_to(request.user).select_related("person", "other"),
        relationship_id,
    )
    form = EndForm(
        _posted(request),
        label=_("Date the relationship ended"),
        required_message=_("Enter the date the relationship ended"),
        not_before=relationship.started_on,
        before_message=_("The date it ended must be on or after the date it started"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.end_relationship(relationship, by=request.user, on=form.cleaned_data["on"])
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, _("Relationship ended"))
            return redirect(relationship.person)
    return _render_end(
        request,
        form,
        back=relationship.person.get_absolute_url(),
        title=str(relationship),
        button=_("End relationship"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_address(request: HttpRequest, person_id: int) -> HttpResponse:
    person = scoping.get_for(request.user, Person.objects.visible_to(request.user), person_id)
    form = AddressForm(_posted(request))
    exposed: list[Any] = []
    if request.method == "POST" and form.is_valid():
        # Anyone linked to an alleged perpetrator of this person who could see the address?
        exposed = scoping.hook(
            "address_exposure", person, protected=form.cleaned_data["protected"], default=[]
        )
        if exposed and request.POST.get("confirm_exposure") != "1":
            return render(
                request,
                "people/address_form.html",
                {"form": form, "person": person, "exposed": exposed, "confirming": True},
            )
        try:
            services.add_address(person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, _("Address added"))
            return redirect(person)
    return render(request, "people/address_form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def end_address(request: HttpRequest, address_id: int) -> HttpResponse:
    address = scoping.get_for(
        request.user, Address.objects.visible_to(request.user).select_related("person"), address_id
    )
    form = EndForm(
        _posted(request),
        label=_("Date they left this address"),
        required_message=_("Enter the date they left this address"),
        not_before=address.from_date,
        before_message=_("The date they left must be on or after the date they moved in"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.end_address(address, by=request.user, on=form.cleaned_data["on"])
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, _("Address ended"))
            return redirect(address.person)
    return _render_end(
        request,
        form,
        back=address.person.get_absolute_url(),
        title=_("%(name)s leaves %(address)s")
        % {"name": address.person.full_name, "address": address},
        button=_("End address"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_registration(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's school or GP practice; for a hidden child, protected like a safe address."""
    person = scoping.get_for(request.user, Person.objects.visible_to(request.user), person_id)
    form = RegistrationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_registration(person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, _("School or GP practice added"))
            return redirect(person)
    return render(request, "people/registration_form.html", {"form": form, "person": person})
