"""The harness itself: a check that cannot fail would prove nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_assert_accessible_names_each_violation_and_where_it_is(page: Page):
    page.set_content(
        '<html lang="en"><head><title>Bad page</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">'
        '<input type="text" id="no-label">'
        "</main></body></html>"
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "image-alt [critical]" in message
    assert "#no-alt" in message
    assert "#no-label" in message


def test_assert_accessible_passes_a_plain_accessible_page(page: Page):
    page.set_content(
        '<html lang="en"><head><title>Good page</title></head><body><main><h1>Hello</h1>'
        '<label for="name">Name</label><input type="text" id="name"></main></body></html>'
    )
    assert_accessible(page)
