from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "familyworkbook.teams"
    label = "teams"
