"""The site's URLs plus one page that refuses everybody, to see the 403 page outside the back office."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from memberarea.urls import handler403, handler404, handler500  # noqa: F401
from memberarea.urls import urlpatterns as site


def refuse(request):
    raise PermissionDenied


urlpatterns = [path("refused/", refuse), *site]
