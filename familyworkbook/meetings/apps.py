from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "familyworkbook.meetings"
    label = "meetings"
