from django.urls import path

from familyworkbook.measures import views

app_name = "measures"

urlpatterns = [
    path("person/<int:person_id>/", views.person, name="person"),
    path("person/<int:person_id>/record/", views.choose, name="choose"),
    path("person/<int:person_id>/record/<str:instrument>/", views.record, name="record"),
    path("measure/<int:measure_id>/", views.detail, name="detail"),
    path("measure/<int:measure_id>/correct/", views.correct, name="correct"),
    path("case/<int:case_id>/", views.case_schedule, name="case"),
    path("team/<int:team_id>/", views.team, name="team"),
    path("team/<int:team_id>/measures.csv", views.team_csv, name="team_csv"),
]
