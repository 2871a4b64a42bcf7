from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "familyworkbook.access"
    label = "access"
