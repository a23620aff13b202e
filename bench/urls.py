"""The product's URLs plus the minimal view PERF-3 compares the dashboard with."""

from django.http import HttpResponse
from django.urls import path

from memberarea.urls import urlpatterns as product_urlpatterns


def minimal(request) -> HttpResponse:
    """The least a Django view can do: a fixed plain-text answer, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *product_urlpatterns]
