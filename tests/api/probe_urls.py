"""The real URLs plus a probe API with a JSON body, built with the project's error handling.

The product's API has no unauthenticated operation that takes a JSON body yet; the probe lets the
tests send django-ninja's own parser a broken body and see the error shape the project installs.
"""

from django.urls import path
from ninja import NinjaAPI, Schema

from memberarea.api import errors
from memberarea.urls import handler404, handler500  # noqa: F401
from memberarea.urls import urlpatterns as product_urlpatterns

probe = NinjaAPI(title="probe", urls_namespace="api-probe", docs_url=None, openapi_url=None)
errors.install(probe)


class NameIn(Schema):
    name: str


@probe.post("/echo")
def echo(request, payload: NameIn):
    return {"name": payload.name}


@probe.get("/boom")
def boom(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [path("api/probe/", probe.urls), *product_urlpatterns]
