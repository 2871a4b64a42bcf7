from django.urls import path

from familyworkbook.cases import event_views, lac_urls, views

app_name = "cases"

urlpatterns = [
    # Pages
    path("mine/", views.my_caseload, name="my_caseload"),
    path("teams/", views.team_caseloads, name="team_caseloads"),
    path("teams/<int:team_id>/", views.team_caseload, name="team_caseload"),
    path("family/<int:family_id>/", views.family, name="family"),
    path("person/<int:person_id>/", views.person, name="person"),
    # Cases and allocation
    path("family/<int:family_id>/cases/open/", views.open_case, name="open_case"),
    path("case/<int:case_id>/close/", views.close_case, name="close_case"),
    path("case/<int:case_id>/allocate/", views.allocate, name="allocate"),
    path("allocation/<int:allocation_id>/end/", views.end_allocation, name="end_allocation"),
    # A child's statutory events
    path("person/<int:person_id>/referral/", event_views.record_referral, name="record_referral"),
    path("episode/<int:episode_id>/close/", event_views.close_episode, name="close_episode"),
    path(
        "episode/<int:episode_id>/assessment/",
        event_views.record_assessment,
        name="record_assessment",
    ),
    path("episode/<int:episode_id>/section-47/", event_views.record_s47, name="record_s47"),
    path("episode/<int:episode_id>/cp-plan/", event_views.record_cp_plan, name="record_cp_plan"),
    path("cp-plan/<int:plan_id>/end/", event_views.end_cp_plan, name="end_cp_plan"),
    path("cp-plan/<int:plan_id>/review/", event_views.record_cp_review, name="record_cp_review"),
    path("episode/<int:episode_id>/cin-plan/", event_views.record_cin_plan, name="record_cin_plan"),
    path("cin-plan/<int:plan_id>/end/", event_views.end_cin_plan, name="end_cin_plan"),
    path(
        "person/<int:person_id>/looked-after/",
        event_views.record_lac_episode,
        name="record_lac_episode",
    ),
    path("looked-after/<int:episode_id>/end/", event_views.end_lac_episode, name="end_lac_episode"),
    path("person/<int:person_id>/pre-proceedings/", event_views.record_plo, name="record_plo"),
    path("pre-proceedings/<int:plo_id>/end/", event_views.end_plo, name="end_plo"),
    path(
        "person/<int:person_id>/care-proceedings/",
        event_views.record_proceedings,
        name="record_proceedings",
    ),
    path(
        "care-proceedings/<int:proceedings_id>/conclude/",
        event_views.conclude_proceedings,
        name="conclude_proceedings",
    ),
    path("person/<int:person_id>/visit/", event_views.record_visit, name="record_visit"),
]
# A looked-after child's SSDA903 facts (reviews, outcomes, adoption, previous permanence...).
urlpatterns += lac_urls.urlpatterns
