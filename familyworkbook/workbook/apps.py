from django.apps import AppConfig


class WorkbookConfig(AppConfig):
    name = "familyworkbook.workbook"
    label = "workbook"
