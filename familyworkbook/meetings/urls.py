from django.urls import path

from familyworkbook.meetings import fgc_views, type_views, views

app_name = "meetings"

urlpatterns = [
    path("due/", views.due, name="due"),
    path("supervision/", views.supervision_frequency, name="supervision"),
    path("supervision.csv", views.supervision_frequency_csv, name="supervision_csv"),
    path("types/", type_views.type_list, name="types"),
    path("types/add/", type_views.type_add, name="type_add"),
    path("types/<int:type_id>/", type_views.type_edit, name="type_edit"),
    path("team/<int:team_id>/plan/", views.plan_team_meeting, name="plan_team"),
    path("<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("family/<int:family_id>/", views.family_meetings, name="family"),
    path("family/<int:family_id>/plan/", views.plan, name="plan"),
    path("<int:meeting_id>/", views.meeting, name="meeting"),
    path("<int:meeting_id>/print/", views.print_meeting, name="print"),
    path("<int:meeting_id>/calendar.ics", views.ics, name="ics"),
    path("<int:meeting_id>/invite/", views.send_invitations, name="send_invitations"),
    path("<int:meeting_id>/contribute/", views.contribute, name="contribute"),
    path("<int:meeting_id>/record/", views.record, name="record"),
    path("<int:meeting_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:meeting_id>/amend/", views.amend, name="amend"),
    path("family/<int:family_id>/fgc/refer/", fgc_views.refer, name="fgc_refer"),
    path("<int:meeting_id>/fgc/victim/", fgc_views.victim_request, name="fgc_victim"),
    path("<int:meeting_id>/fgc/invite/", fgc_views.invite, name="fgc_invite"),
    path("<int:meeting_id>/fgc/record/", fgc_views.record, name="fgc_record"),
    path("<int:meeting_id>/fgc/review/", fgc_views.review, name="fgc_review"),
]
