from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "familyworkbook.audit"
    label = "audit"
