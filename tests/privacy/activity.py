"""What a member leaves behind in the member area, for the export and erasure tests (PRIV-7, PRIV-8)."""

from memberarea.core import clock
from memberarea.enrollment.models import Membership
from memberarea.identity.flows.login import login_send, login_start
from memberarea.identity.models import Account, CodeChannel, FlowKind
from memberarea.members.access import Purpose, access_member
from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose, DocumentKind, NoticeAcknowledgement
from memberarea.privacy.selectors import version_in_force
from tests.backoffice.conftest import REASON
from tests.identity.signing_in import app_sign_in, signed_in_client, trusted_device


def member_activity(account: Account, staff: Account, password: str) -> None:
    """Sessions, a code sent, devices, consents, a notice read, staff access."""
    signed_in_client(account)
    app_sign_in(account)
    flow = login_start(username=account.username, password=password, captcha=None, address="192.0.2.7", kind="browser")
    login_send(flow_id=flow.pk, kind=FlowKind.BROWSER, channel=CodeChannel.EMAIL)
    trusted_device(account, at=clock.now())
    email = ConsentPurpose.MARKETING_EMAIL
    consent_set(account=account, changes={email: True}, method=ConsentMethod.WEB_FORM, language="es")
    consent_set(account=account, changes={email: False}, method=ConsentMethod.APP, language="es")
    NoticeAcknowledgement.objects.create(account=account, version=version_in_force(DocumentKind.NOTICE), at=clock.now())
    membership = Membership.objects.get(person__account=account)
    access_member(actor=staff, member_id=membership.pk, purpose=Purpose.RECORD, **REASON)
