from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "familyworkbook.measures"
    label = "measures"
