from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "familyworkbook.core"
    label = "core"
