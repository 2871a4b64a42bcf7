from django.urls import path

from familyworkbook.people import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
]
