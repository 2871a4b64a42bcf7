from django.urls import path

from familyworkbook.meetings import views

app_name = "meetings"

urlpatterns = [
    path("due/", views.due, name="due"),
    path("family/<int:family_id>/", views.family_meetings, name="family"),
    path("family/<int:family_id>/plan/", views.plan, name="plan"),
    path("<int:meeting_id>/", views.meeting, name="meeting"),
    path("<int:meeting_id>/print/", views.print_meeting, name="print"),
    path("<int:meeting_id>/calendar.ics", views.ics, name="ics"),
    path("<int:meeting_id>/contribute/", views.contribute, name="contribute"),
    path("<int:meeting_id>/record/", views.record, name="record"),
    path("<int:meeting_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:meeting_id>/amend/", views.amend, name="amend"),
]
