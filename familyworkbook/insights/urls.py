from django.urls import path

from familyworkbook.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.dashboard_cases, name="dashboard_cases"),
    path("workforce/", views.workforce_page, name="workforce"),
    path("costs/", views.costs_page, name="costs"),
    path("fidelity/", views.fidelity_page, name="fidelity"),
    path("fidelity/behind/", views.fidelity_behind, name="fidelity_behind"),
    path("appendix/", views.appendix_page, name="appendix"),
    path("training/", views.training_register, name="training"),
    path("supervision/", views.supervision_log, name="supervision"),
    path(
        "<str:page>/<slug:slug>.<str:file_format>",
        views.download,
        name="download",
    ),
]
