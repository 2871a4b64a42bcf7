from django.urls import path

from familyworkbook.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kpi/<slug:slug>.<str:file_format>", views.download, name="download"),
]
