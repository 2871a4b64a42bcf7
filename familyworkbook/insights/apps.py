from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "familyworkbook.insights"
    label = "insights"
