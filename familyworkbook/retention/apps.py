from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "familyworkbook.retention"
    verbose_name = "Retention"
