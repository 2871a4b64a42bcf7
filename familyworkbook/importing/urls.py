from django.urls import path

from familyworkbook.importing import views

app_name = "imports"

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("new/", views.start, name="start"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/report.csv", views.report_csv, name="report_csv"),
    path("runs/<int:run_id>/report.html", views.report_html, name="report_html"),
]
