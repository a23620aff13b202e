"""The product's URLs plus two views the benches compare it with, served by the same gunicorn,
middleware and settings: PERF-3's minimal view, and PERF-1's floor — the password check alone."""

import json

from django.contrib.auth.hashers import check_password, make_password
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from memberarea.urls import urlpatterns as product_urlpatterns

from .common import PASSWORD

STORED = make_password(PASSWORD)  # the production hasher and parameters, as an account's password


def minimal(request) -> HttpResponse:
    """The least a Django view can do: a fixed plain-text answer, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def password_only(request) -> JsonResponse:
    """What any password step on this stack must do, and nothing else: read the JSON body, verify the
    password with the site's hasher, answer JSON. No account, limits, flow or database (PERF-1's floor)."""
    matched = check_password(json.loads(request.body).get("password", ""), STORED)
    return JsonResponse({"matched": matched}, status=201 if matched else 401)


urlpatterns = [path("bench/minimal/", minimal), path("bench/password-only/", password_only), *product_urlpatterns]
