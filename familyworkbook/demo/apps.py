from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "familyworkbook.demo"
    label = "demo"
