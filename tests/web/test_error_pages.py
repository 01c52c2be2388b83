"""Not found and server errors answer with the site's own page: its layout, navigation and a
way back, not Django's bare text."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# The site's URLs plus one view that fails, for the 500 page.
urlpatterns = [
    path("broken/", _broken),
    path("", include("staffdesk.config.urls")),
]


def test_an_unknown_address_is_the_sites_not_found_page(org, client):
    client.force_login(org.requester)
    response = client.get("/requests/IT-999999")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Not found · staffdesk</title>" in page
    assert '<a class="btn btn-outline-primary" href="/requests/">My requests</a>' in page
    assert 'href="/">Go to the home page</a>' in page
    assert org.requester.display_name in page  # the navigation knows who is signed in


def test_not_found_signed_out_still_has_the_layout(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Go to the home page" in response.content.decode()


@pytest.mark.urls("tests.web.test_error_pages")
def test_a_server_error_is_the_sites_error_page(org):
    client = Client(raise_request_exception=False)
    client.force_login(org.requester)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<title>Something went wrong · staffdesk</title>" in page
    assert "Go to the home page" in page
    assert "a bug" not in page and "Traceback" not in page
