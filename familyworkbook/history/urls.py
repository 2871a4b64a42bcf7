from django.urls import path

from familyworkbook.history import views

app_name = "history"

urlpatterns = [
    path("person/<int:person_id>/", views.person_changes, name="person_changes"),
    path("family/<int:family_id>/", views.family_changes, name="family_changes"),
]
