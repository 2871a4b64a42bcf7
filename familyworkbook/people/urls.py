from django.urls import path

from familyworkbook.people import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("add/", views.add_person, name="add_person"),
    path("<int:person_id>/edit/", views.edit_person, name="edit_person"),
    path("<int:person_id>/relationships/add/", views.add_relationship, name="add_relationship"),
    path("<int:person_id>/addresses/add/", views.add_address, name="add_address"),
    path("<int:person_id>/schools-and-gps/add/", views.add_registration, name="add_registration"),
    path("families/add/", views.add_family, name="add_family"),
    path("families/<int:family_id>/members/add/", views.add_member, name="add_member"),
    path("memberships/<int:membership_id>/end/", views.end_membership, name="end_membership"),
    path(
        "relationships/<int:relationship_id>/end/", views.end_relationship, name="end_relationship"
    ),
    path("addresses/<int:address_id>/end/", views.end_address, name="end_address"),
]
