from django.urls import path

from familyworkbook.cases import views

app_name = "cases"

urlpatterns = [
    path("mine/", views.my_caseload, name="my_caseload"),
    path("teams/", views.team_caseloads, name="team_caseloads"),
    path("teams/<int:team_id>/", views.team_caseload, name="team_caseload"),
    path("family/<int:family_id>/", views.family, name="family"),
    path("person/<int:person_id>/", views.person, name="person"),
]
