from django.urls import path

from familyworkbook.subject_access import views

app_name = "subject_access"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("person/<int:person_id>/", views.person_requests, name="person"),
    path("<int:sar_id>/", views.request_detail, name="request"),
    path("<int:sar_id>/edit/", views.request_edit, name="edit"),
    path("<int:sar_id>/build/", views.build, name="build"),
    path("jobs/<uuid:job_id>/", views.build_job, name="job"),
    path("<int:sar_id>/items/<int:item_id>/", views.item_decide, name="item"),
    path("<int:sar_id>/release/", views.release, name="release"),
    path("<int:sar_id>/pack/", views.pack, name="pack"),
    path("<int:sar_id>/pack.pdf", views.pack_pdf, name="pack_pdf"),
]
