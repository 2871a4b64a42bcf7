from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "familyworkbook.history"
    label = "history"
    verbose_name = "Field history"
