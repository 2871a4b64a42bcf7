from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "familyworkbook.cases"
    label = "cases"
