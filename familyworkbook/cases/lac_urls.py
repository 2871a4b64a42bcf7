"""URLs of the looked-after child's SSDA903 facts (added to `cases/urls.py`, namespace `cases`)."""

from django.urls import path

from familyworkbook.cases import lac_views

SLUGS = {
    "review": "reviews",
    "missing": "missing",
    "oc2": "outcomes",
    "oc3": "care-leaver",
    "adoption": "adoption",
    "prevperm": "previous-permanence",
}

urlpatterns = [
    path(
        "person/<int:person_id>/looked-after/return/",
        lac_views.looked_after_facts,
        name="lac_facts",
    ),
    path("person/<int:person_id>/looked-after/uasc/", lac_views.uasc, name="lac_uasc"),
    path(
        "allocation/<int:allocation_id>/social-worker-change/",
        lac_views.social_worker_change,
        name="lac_social_worker_change",
    ),
]
for kind, slug in SLUGS.items():
    urlpatterns += [
        path(
            f"person/<int:person_id>/looked-after/{slug}/add/",
            lac_views.add_fact,
            {"kind": kind},
            name=f"lac_{kind}_add",
        ),
        path(
            f"looked-after/{slug}/<int:fact_id>/",
            lac_views.change_fact,
            {"kind": kind},
            name=f"lac_{kind}_change",
        ),
    ]
