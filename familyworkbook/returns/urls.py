from django.urls import path

from familyworkbook.returns import views

app_name = "returns"

urlpatterns = [
    path("data-quality/", views.data_quality, name="data_quality"),
    path("data-quality/refresh/", views.refresh, name="refresh_data_quality"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
]
