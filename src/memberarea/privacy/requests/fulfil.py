"""Everything a rights request does outside its own rows, in one place (decision 0033).

Each function is the one call site of a service another part of the product owns: export jobs and
their single-use links (`privacy.exports`), the integration outbox to the core system
(`notifications.integration`), erasure (`privacy.erasure`), and the Shine the Light answer (`privacy.shine_the_light`).
The request's id is the reference each of them keeps, so a retried step never starts twice.
"""

from collections.abc import Iterator

from memberarea.core import datamap
from memberarea.core.audit import audit_record
from memberarea.core.errors import MemberAreaError
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.models import Account
from memberarea.notifications.integration import integration_message_send

from ..disclosures import CORRECTION_TOPIC, core_system_disclose
from ..erasure import ErasureReport, erase_person
from ..errors import EXPORT_NOT_READY, REQUEST_STEP_NOT_ALLOWED
from ..export_models import ExportJob, ExportState
from ..exports import (
    download_link_issue,
    download_link_open,
    export_download_name,
    export_file_chunks,
    export_job_for,
    export_job_start,
)
from ..request_models import RequestKind, RightsRequest
from ..shine_the_light import shine_the_light_answer as answer_from_disclosures
from .corrections import corrected_on

EXPORTING_KINDS = {RequestKind.ACCESS, RequestKind.PORTABILITY}


def _person(rights_request: RightsRequest) -> Person:
    """Whom the request is about; a request whose member or asker is no longer held takes no step."""
    if rights_request.membership is None or rights_request.requested_by is None:
        raise MemberAreaError(REQUEST_STEP_NOT_ALLOWED)
    return rights_request.membership.person


def export_start(rights_request: RightsRequest, *, account: Account) -> str:
    """Start the access or portability export of the request's person for the asker; the job's id.

    The officer's request starts it, so the member's language is named: the request's, not the page's."""
    job = export_job_start(
        account=account,
        person=_person(rights_request),
        kind=rights_request.kind,
        reference=str(rights_request.pk),
        language=rights_request.language,
    )
    return str(job.pk)


def export_of(rights_request: RightsRequest) -> ExportJob | None:
    if rights_request.kind not in EXPORTING_KINDS or not rights_request.result_reference:
        return None
    return export_job_for(str(rights_request.pk))


def export_ready(rights_request: RightsRequest, *, account: Account) -> bool:
    job = export_of(rights_request)
    return job is not None and job.account_id == account.pk and job.state == ExportState.READY


def export_download(rights_request: RightsRequest, *, account: Account) -> tuple[str, Iterator[bytes]]:
    """The result for `account`: a single-use link issued and spent at once; (file name, chunks).
    EXPORT_NOT_READY while there is none; another account's is NOT_FOUND (from the exports)."""
    job = export_of(rights_request)
    if job is None:
        raise MemberAreaError(EXPORT_NOT_READY)
    opened = download_link_open(token=download_link_issue(job, account), account=account)
    return export_download_name(opened), export_file_chunks(opened)


def correction_forward(rights_request: RightsRequest, changes: dict[str, str]) -> None:
    """Tell the core system an approved correction through the integration outbox (once per request)."""
    person = _person(rights_request)
    integration_message_send(
        topic=CORRECTION_TOPIC,
        payload={
            "member_numbers": sorted(person.memberships.values_list("member_number", flat=True)),
            "changes": changes,
        },
        reference=f"{CORRECTION_TOPIC}:{rights_request.pk}",
        person=person,
    )
    core_system_disclose(
        person=person,
        categories=sent_categories([(Membership, "member_number")] + [(corrected_on(name), name) for name in changes]),
        reference=f"{CORRECTION_TOPIC}:{rights_request.pk}",
    )


def sent_categories(fields: list[tuple[type, str]]) -> set[str]:
    """The data map's categories of the (model, field) pairs a message carries."""
    declarations = [datamap.declaration_for(model, name) for model, name in fields]
    return {declaration.category for declaration in declarations if isinstance(declaration, datamap.Personal)}


def erasure_carry_out(rights_request: RightsRequest, *, officer: Account) -> ErasureReport:
    """Erase the request's person (what is kept is reported with reason and period); the erasure
    service closes the account, suppresses re-imports and tells the core system itself."""
    return erase_person(person=_person(rights_request), actor=officer, reference=str(rights_request.pk))


def shine_the_light_answer(rights_request: RightsRequest) -> int:
    """Answer from the disclosures for the calendar year before the request's receipt (PRIV-10). The
    year is kept as the request's result: the member reads the answer, page or PDF, from the request."""
    year = rights_request.received_on.year - 1
    answer = answer_from_disclosures(_person(rights_request), year)
    rights_request.result_reference = str(year)
    audit_record(
        event="privacy.shine_the_light_answered",
        subject_id=str(rights_request.membership_id),
        data={"year": year, "recipients": len(answer["recipients"]), "request_id": str(rights_request.pk)},
    )
    return year


def shine_the_light_year(rights_request: RightsRequest) -> int | None:
    """The year a finished Shine the Light request answered for, or None."""
    if rights_request.kind != RequestKind.SHINE_THE_LIGHT or not rights_request.result_reference:
        return None
    return int(rights_request.result_reference)
