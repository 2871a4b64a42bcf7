from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "familyworkbook.importing"
    verbose_name = "Importing"
