from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "familyworkbook.documents"
    label = "documents"
    verbose_name = "Documents from the record"

    def ready(self):
        # Importing the fillers registers them (documents/facts.py, `filler`).
        from familyworkbook.documents import fillers  # noqa: F401
