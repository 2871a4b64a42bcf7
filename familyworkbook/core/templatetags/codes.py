"""`{{ lac.reason_ceased|plain:"ReasonEpisodeCeased" }}`: a DfE code's plain wording, for people."""

from django import template
from django.db import models

from familyworkbook.core import codes

register = template.Library()


@register.filter
def plain(code: str, choices: str) -> str:
    """The plain-English wording of `code` in the code list named `choices` (core/codes.py)."""
    code_list = getattr(codes, choices, None)
    if not (isinstance(code_list, type) and issubclass(code_list, models.TextChoices)):
        raise template.TemplateSyntaxError(f"plain: no code list called {choices!r}")
    return codes.plain(code_list, code)
