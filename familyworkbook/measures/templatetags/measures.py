"""`{% load measures %}{% latest_measures person as latest %}`: the person page's measures panel."""

from __future__ import annotations

from django import template

from familyworkbook.measures import selectors
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.people.models import Person

register = template.Library()


@register.simple_tag
def latest_measures(person: Person) -> list[MeasureResponse]:
    """The latest current questionnaire of each kind (and SDQ informant) for ``person``."""
    return selectors.latest_by_instrument(person)
