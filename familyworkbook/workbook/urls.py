from django.urls import path

from familyworkbook.workbook import plan_views, views

app_name = "workbook"

F = "family/<int:family_id>/"

urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path(F, views.home, name="home"),
    path(F + "chapters/<slug:chapter>/", views.chapter, name="chapter"),
    path(F + "entries/new/", views.add_entry, name="add_entry"),
    path(F + "entries/draft/", views.save_draft, name="save_draft"),
    path(F + "entries/draft/discard/", views.discard_draft, name="discard_draft"),
    path(F + "entries/<int:entry_id>/", views.entry, name="entry"),
    path(F + "entries/<int:entry_id>/edit/", views.edit_entry, name="edit_entry"),
    path(F + "chronology/", views.chronology, name="chronology"),
    path(F + "chronology/print/", views.chronology_print, name="chronology_print"),
    path(F + "supporting-change/new/", views.start_intervention, name="start_intervention"),
    path(
        F + "supporting-change/<int:intervention_id>/extend/",
        views.extend_intervention,
        name="extend_intervention",
    ),
    path(
        F + "supporting-change/<int:intervention_id>/end/",
        views.end_intervention,
        name="end_intervention",
    ),
    path(F + "risk/", plan_views.risk, name="risk"),
    path(F + "risk/items/new/", plan_views.add_risk_item, name="add_risk_item"),
    path(F + "risk/items/<int:item_id>/", plan_views.edit_risk_item, name="edit_risk_item"),
    path(F + "risk/priorities/new/", plan_views.add_priority, name="add_priority"),
    path(
        F + "risk/priorities/<int:issue_id>/resolve/",
        plan_views.resolve_priority,
        name="resolve_priority",
    ),
    path(F + "risk/flags/new/", plan_views.add_flag, name="add_flag"),
    path(F + "risk/flags/<int:flag_id>/end/", plan_views.end_flag, name="end_flag"),
    path(F + "goals/", plan_views.goals, name="goals"),
    path(F + "goals/new/", plan_views.add_goal, name="add_goal"),
    path(F + "goals/<int:goal_id>/", plan_views.goal, name="goal"),
    path(F + "goals/<int:goal_id>/status/", plan_views.goal_status, name="goal_status"),
    path(F + "goals/<int:goal_id>/actions/new/", plan_views.add_action, name="add_action"),
    path(
        F + "goals/<int:goal_id>/actions/<int:action_id>/",
        plan_views.update_action,
        name="update_action",
    ),
    path(F + "goals/<int:goal_id>/ratings/new/", plan_views.rate_goal, name="rate_goal"),
    path(F + "cycle-of-change/", plan_views.change, name="change"),
    path(F + "cycle-of-change/stages/new/", plan_views.add_stage, name="add_stage"),
    path(F + "cycle-of-change/cost-benefit/new/", plan_views.add_balance, name="add_balance"),
    path(F + "cycle-of-change/scaling/new/", plan_views.add_scaling, name="add_scaling"),
]
