from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "familyworkbook.people"
    label = "people"
