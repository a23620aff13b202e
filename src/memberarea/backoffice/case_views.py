"""The security officer's open cases (PRIV-13, BO-1): what "this was not me", "my account may be
compromised" and staff freezes opened, oldest first, with their age. Thin view over the selector."""

from django.views.decorators.http import require_GET

from memberarea.core import clock
from memberarea.identity.models import Role

from .selectors import security_cases_open
from .views import staff_page, staff_required

CASE_ROLES = (Role.SECURITY_OFFICER,)  # BO-1: "security cases"


@staff_required(*CASE_ROLES)
@require_GET
def security_cases(request):
    return staff_page(request, "security_cases.html", {"cases": security_cases_open(), "now": clock.now()})
