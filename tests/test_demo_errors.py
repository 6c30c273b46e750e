"""`make demo` (config.settings.dev) answers errors with the GOV.UK error pages, and still serves its static files."""

import importlib

import pytest
from django.http import Http404
from django.test import Client, override_settings
from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401  (this URLconf keeps the site's handlers)
from config.urls import urlpatterns as site_urls


def boom(request):
    raise RuntimeError("a failure in a view")


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def missing(request):
    raise Http404("No such case")


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), path("missing/", missing), *site_urls]


@pytest.fixture
def dev(monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    return importlib.reload(importlib.import_module("config.settings.dev"))


@pytest.fixture
def demo_client(dev):
    """A client of the site with the demo's settings that matter here (a new client loads the middleware again)."""
    with override_settings(DEBUG=dev.DEBUG, WHITENOISE_USE_FINDERS=dev.WHITENOISE_USE_FINDERS,
                           WHITENOISE_AUTOREFRESH=dev.WHITENOISE_AUTOREFRESH, ROOT_URLCONF=__name__):
        yield Client(raise_request_exception=False)


def test_the_demo_runs_without_debug(dev, monkeypatch):
    assert dev.DEBUG is False
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    assert importlib.reload(dev).DEBUG is True  # a developer can still ask for the technical pages


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "status", "heading"), [
    ("/no-such-page/", 404, "Page not found"),
    ("/missing/", 404, "Page not found"),
    ("/forbidden/", 403, "You do not have permission to see this page"),
    ("/boom/", 500, "Sorry, there is a problem with the service"),
])
def test_errors_show_the_gov_uk_pages(demo_client, url, status, heading):
    response = demo_client.get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert "govuk-template" in html and heading in html
    assert "Traceback" not in html and "technical" not in html.lower() and "URLconf" not in html


@pytest.mark.parametrize("url", ["/static/sendfund/sendfund.css", "/static/govuk/govuk-frontend.min.css",
                                 "/assets/fonts/bold-b542beb274-v2.woff2"])
def test_static_files_are_served_without_debug_or_collectstatic(demo_client, url):
    response = demo_client.get(url)
    assert response.status_code == 200, url
