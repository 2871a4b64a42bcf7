from django.urls import path

from familyworkbook.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.review, name="review"),
    path("review/run/", views.review_run, name="review_run"),
    path("review/jobs/<uuid:job_id>/", views.review_job, name="job"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("holds/", views.holds, name="holds"),
    path("holds/new/", views.hold_add, name="hold_add"),
    path("holds/<int:hold_id>/release/", views.hold_release, name="hold_release"),
    path("records/<int:record_id>/propose/", views.propose, name="propose"),
    path("proposals/<int:proposal_id>/", views.proposal, name="proposal"),
    path("proposals/<int:proposal_id>/cancel/", views.proposal_cancel, name="proposal_cancel"),
    path("destroyed/", views.destroyed, name="destroyed"),
]
