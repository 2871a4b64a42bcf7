from django.urls import path

from familyworkbook.documents import meeting_pdf, views

app_name = "documents"

F = "family/<int:family_id>/"
D = F + "<int:document_id>/"

urlpatterns = [
    path("meeting/<int:meeting_id>/pdf/", meeting_pdf.meeting_pdf, name="meeting_pdf"),
    path(F, views.documents, name="list"),
    path(F + "new/", views.new_document, name="new"),
    path(D, views.document, name="document"),
    path(D + "sections/<slug:slug>/", views.write_section, name="write_section"),
    path(D + "freeze/", views.freeze, name="freeze"),
    path(D + "share/", views.share, name="share"),
    path(
        D + "share/protected-details/",
        views.request_protected_share,
        name="request_protected_share",
    ),
    path(D + "comments/new/", views.add_comment, name="add_comment"),
    path(D + "redactions/new/", views.redact, name="redact"),
    path(D + "facts/", views.fact_status, name="fact_status"),
    path(D + "versions/", views.versions, name="versions"),
    path(D + "download/<str:file_format>/", views.download_draft, name="download_draft"),
    path(
        D + "versions/<int:version_id>/download/<str:file_format>/",
        views.download_version,
        name="download_version",
    ),
]
