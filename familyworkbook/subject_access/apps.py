from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "familyworkbook.subject_access"
    verbose_name = "Subject access requests"
