""" "My account may be compromised" from the app (PRIV-13, API-1): the same freeze as on the web.

No step-up is asked: the member who fears someone else holds the account must be able to lock it with
the token they have. Every app token of the account stops working at once, this one included.
"""

from ninja import Field, Router, Schema

from memberarea.identity.freeze import account_freeze
from memberarea.identity.models import SecurityCase

from .auth import app_token
from .declared import raises

router = Router(tags=["security"])


class ConcernOut(Schema):
    frozen: bool = Field(description="always true: the account is locked until it is recovered")
    case_opened: bool = Field(
        description="true when this request locked it and opened the security case; false when it already was"
    )


@router.post(
    "/me/security-concern",
    auth=app_token,
    response={200: ConcernOut},
    summary="My account may be compromised: lock it",
    description=(
        "Ends every session, app token and trusted device, opens a case for the security officer and tells"
        " every verified contact. Sign-in works again only after a password recovery. Sending it twice"
        " locks once and opens one case."
    ),
)
@raises()
def security_concern(request):
    account = request.auth.account
    opened = account_freeze(account=account, reason=SecurityCase.Reason.COMPROMISED, actor_id=str(account.pk))
    return {"frozen": True, "case_opened": opened}
