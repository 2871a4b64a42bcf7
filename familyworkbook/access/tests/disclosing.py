"""Test helper: complete the disclosure form an export or print asks for, then fetch the file."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

COMPLETE = {
    "recipient": "Dr A Example, named GP",
    "purpose": "Child protection conference report",
    "lawful_basis": "safeguarding",
    "override_reason": "Seeking consent would put the child at risk",
}


def is_disclosure_step(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("access:disclose")
    )


def disclose_and_fetch(client: Any, response: Any, **overrides: str) -> tuple[Any, Any]:
    """Given the redirect to the disclosure form: the form page, then the file's response."""
    location = response["Location"]
    token = parse_qs(urlparse(location).query)["t"][0]
    form_page = client.get(location)
    done = client.post(reverse("access:disclose"), {"t": token, **COMPLETE, **overrides})
    assert done.status_code == 302, done.content.decode()[:2000]
    return form_page, client.get(done["Location"])
