from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def my_caseload(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/my_caseload.html", {})


@login_required
def team_caseloads(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/team_caseloads.html", {})


@login_required
def team_caseload(request: HttpRequest, team_id: int) -> HttpResponse:
    return render(request, "cases/team_caseload.html", {})


@login_required
def family(request: HttpRequest, family_id: int) -> HttpResponse:
    return render(request, "cases/family.html", {})


@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    return render(request, "cases/person.html", {})
