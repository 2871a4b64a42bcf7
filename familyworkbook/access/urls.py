from django.urls import path

from familyworkbook.access import views

app_name = "access"

urlpatterns = [
    path("person/<int:person_id>/seen/", views.who_has_seen_person, name="who_has_seen_person"),
    path("family/<int:family_id>/seen/", views.who_has_seen_family, name="who_has_seen_family"),
    path("family/<int:family_id>/sharing/", views.sharing_log, name="sharing_log"),
    path("family/<int:family_id>/sharing/add/", views.record_sharing, name="record_sharing"),
    path("audit/", views.audit_search, name="audit_search"),
    path("person/<int:person_id>/subject-access/", views.subject_access, name="subject_access"),
    path("disclose/", views.disclose, name="disclose"),
    path(
        "person/<int:person_id>/protected-details/request/",
        views.request_protected_access,
        name="request_protected_access",
    ),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:approval_id>/", views.approval, name="approval"),
    path("emergency/", views.break_glass, name="break_glass"),
    path("emergency/review/", views.break_glass_review, name="break_glass_review"),
    path("emergency/<int:glass_id>/reviewed/", views.mark_reviewed, name="mark_reviewed"),
]
