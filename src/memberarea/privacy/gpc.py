"""Global Privacy Control (PRIV-5): the browser's `Sec-GPC: 1` opts the signed-in account out of
sharing with partners and of analytics, even over an earlier opt-in, recorded with method "gpc".

Only the exact value "1" is the signal ("0", "true", " 1" are not). An explicit opt-in made while
the signal was on (its record has `gpc=True`) is the member's later word and stays: the signal
overrides only choices given without it. The middleware costs nothing without the header; with it,
one query finds what is still to be withdrawn, and `consent_set` writes only what changes
(decision 0025).
"""

from django.db.models import QuerySet
from django.http import HttpRequest

from memberarea.identity.models import Account

from .consent import consent_set
from .models import ConsentChoice, ConsentMethod, ConsentPurpose, ConsentRecord

HEADER = "HTTP_SEC_GPC"
GPC_PURPOSES = (ConsentPurpose.THIRD_PARTY_SHARING, ConsentPurpose.ANALYTICS)


def gpc_signal(request: HttpRequest) -> bool:
    """True only for `Sec-GPC: 1`, exactly."""
    return request.META.get(HEADER) == "1"


def _overridable(account: Account) -> QuerySet[ConsentChoice]:
    """The GPC purposes the account gave without the signal: what the signal withdraws."""
    return ConsentChoice.objects.filter(account=account, purpose__in=GPC_PURPOSES, given=True, record__gpc=False)


def gpc_apply(*, account: Account, language: str) -> list[ConsentRecord]:
    """Withdraw the GPC purposes given without the signal; the records written (none when nothing was)."""
    purposes = [ConsentPurpose(purpose) for purpose in _overridable(account).values_list("purpose", flat=True)]
    if not purposes:
        return []
    return consent_set(
        account=account,
        changes=dict.fromkeys(purposes, False),
        method=ConsentMethod.GPC,
        language=language,
        gpc=True,
    )


class GlobalPrivacyControlMiddleware:
    """Applies the signal of each signed-in web request before its view runs, so the page shows the result."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if gpc_signal(request):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                gpc_apply(account=user, language=request.LANGUAGE_CODE)
        return self.get_response(request)
