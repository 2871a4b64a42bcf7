from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    return {"service_name": "Family Workbook", "council_name": settings.COUNCIL_NAME}
