from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "familyworkbook.returns"
    label = "returns"
