"""POST /api/v1/enrollment/batches: the core insurance system's batched JSON door (ENR-2).

Authenticated by an integration client's bearer token (looked up by its hash; revoked → 401).
The endpoint reads its own body, with its own size limit, because a full batch of 10,000 records
is larger than Django's DATA_UPLOAD_MAX_MEMORY_SIZE, which must stay small for every other form.
"""

import json
from collections.abc import Iterator
from typing import Annotated, Literal

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.security import HttpBearer
from pydantic import StrictBool
from pydantic import ValidationError as PydanticValidationError

from memberarea.api.declared import raises
from memberarea.core import errors
from memberarea.core.errors import MemberAreaError
from memberarea.core.text import text_check
from memberarea.enrollment.files import encoding_resolve
from memberarea.enrollment.services import batch_summary, enrollment_batch_import, integration_client_authenticate

router = Router(tags=["enrollment"])


class IntegrationToken(HttpBearer):
    def authenticate(self, request, token: str):
        return integration_client_authenticate(token)


Text = str | None


class PolicyRecordIn(Schema):
    record: Literal["policy"]
    policy_number: Text = None
    policy_type: Text = Field(None, description="individual | family | corporate | international")
    status: Text = Field(None, description="active | suspended | ended")
    start_date: Text = Field(None, description="YYYY-MM-DD")
    end_date: Text = Field(None, description="YYYY-MM-DD; empty while the policy runs")
    holder_name: Text = None


class MemberRecordIn(Schema):
    record: Literal["member"]
    member_number: Text = None
    policy_number: Text = None
    first_name: Text = None
    last_name: Text = None
    date_of_birth: Text = Field(None, description="YYYY-MM-DD")
    sex: Text = Field(None, description="female | male | unspecified")
    relationship: Text = Field(None, description="holder | spouse_partner | child | other")
    start_date: Text = Field(None, description="YYYY-MM-DD")
    end_date: Text = Field(None, description="YYYY-MM-DD: the last day covered; ends the membership")
    address_line1: Text = None
    address_line2: Text = None
    postal_code: Text = None
    city: Text = None
    province: Text = None
    country: Text = Field(None, description="ISO 3166 alpha-2, default ES")
    email: Text = None
    mobile: Text = Field(None, description="international format, or a Spanish number")
    language: Text = Field(None, description="es | en")
    document_type: Text = Field(None, description="nif | nie | passport")
    document_number: Text = None
    document_country: Text = Field(None, description="passport issuing country, ISO 3166 alpha-2")
    guardian_member_numbers: Text = Field(None, description="member numbers of a minor's guardians, ';'-separated")


class BatchIn(Schema):
    encoding: str = Field(
        "utf-8",
        max_length=40,
        # The names an app should send; the server also reads any other encoding that writes ASCII as ASCII.
        pattern=r"^(utf-8|UTF-8|cp1252|windows-1252|latin-1|iso-8859-1|iso-8859-15)$",
        description="of the body's text when a core system cannot send UTF-8, e.g. cp1252",
    )
    batch_id: str = Field(..., min_length=1, max_length=100, description="unique per client; repeats are not reapplied")
    send_welcome: StrictBool = Field(True, description="false for the first load of an existing customer base")
    records: list[Annotated[PolicyRecordIn | MemberRecordIn, Field(discriminator="record")]] = Field(
        ..., description="at most 10,000 records; policy records are applied before member records"
    )


class RowErrorOut(Schema):
    row: int = Field(..., description="position of the record in `records`, counting from 1")
    field: str
    code: str


class BatchResultOut(Schema):
    batch_id: str
    replayed: bool = Field(..., description="true when this batch id was already applied: nothing was reapplied")
    rows: int
    created: int
    updated: int
    unchanged: int
    ended: int
    rejoined: int
    suppressed: int
    rejected: int
    welcome_queued: int
    policies_created: int
    policies_updated: int
    errors: list[RowErrorOut]


def _body(request) -> dict:
    if request.content_type != "application/json":
        raise MemberAreaError(errors.UNSUPPORTED_MEDIA_TYPE)
    limit = settings.ENROLLMENT_API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise MemberAreaError(errors.PAYLOAD_TOO_LARGE)
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise MemberAreaError(errors.PAYLOAD_TOO_LARGE)
    body = _json(raw, "utf-8")
    codec = body.get("encoding") or "utf-8"
    if codec != "utf-8":
        text_check({"encoding": codec})  # a bad character in the name is refused before it is looked up
        if not isinstance(codec, str):
            raise MemberAreaError(errors.INVALID, fields={"encoding": [errors.INVALID.message]})
        try:
            codec = encoding_resolve(codec)
        except MemberAreaError as exc:
            raise MemberAreaError(errors.INVALID, fields=exc.fields) from None
        body = _json(raw, codec) if codec != "utf-8" else body
    undecodable = dict(_undecodable(body, ""))
    if undecodable:
        encoding = "UTF-8" if codec == "utf-8" else codec
        raise MemberAreaError(
            errors.INVALID,
            fields={
                name: [format_lazy(UNDECODABLE, encoding=encoding, value=f"{byte:02X}")]
                for name, byte in undecodable.items()
            },
        )
    text_check(body)  # after the byte check: an undecodable byte is named as such, not as a bad character
    return body


UNDECODABLE = gettext_lazy(
    'Not valid {encoding} text (byte 0x{value}). Send UTF-8, or name the encoding in "encoding", e.g. "cp1252".'
)


def _json(raw: bytes, codec: str) -> dict:
    """The body parsed with its bytes decoded in `codec`; a byte that is not text stays as a lone surrogate.
    Nesting deeper than the parser's recursion allows is `invalid` like any other unreadable body."""
    try:
        body = json.loads(raw.decode(codec, "surrogateescape"))
    except (ValueError, RecursionError):
        raise MemberAreaError(errors.INVALID, fields={"__all__": [errors.INVALID.message]}) from None
    if not isinstance(body, dict):
        raise MemberAreaError(errors.INVALID, fields={"__all__": [errors.INVALID.message]})
    return body


def _undecodable(value, path: str) -> Iterator[tuple[str, int]]:
    """(field, first bad byte) for each string of the body holding a byte its encoding cannot read."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _undecodable(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _undecodable(item, f"{path}.{index}")
    elif isinstance(value, str):
        bad = next((ord(char) for char in value if "\udc80" <= char <= "\udcff"), None)
        if bad is not None:
            yield path or "__all__", bad - 0xDC00


@router.post(
    "/batches",
    auth=IntegrationToken(),
    response={200: BatchResultOut},
    summary="Apply a batch of enrollment records (deltas)",
    operation_id="memberarea_enrollment_api_batch_submit",  # kept from the endpoint's first home: clients use it
    description="Policies and members as deltas: upsert by number, an end date ends a membership, nothing is "
    "deleted by absence. Rows with errors are reported (row, field, code) and skipped; the good rows are "
    "applied. A repeated batch_id returns the first result without reapplying it. See docs/import.md.",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": BatchIn.model_json_schema()}}}
    },
)
@raises()  # the rule adds invalid, payload_too_large, unsupported_media_type and unauthenticated
def batch_submit(request):
    body = _body(request)
    records = body.get("records")
    if isinstance(records, list) and len(records) > settings.ENROLLMENT_API_MAX_RECORDS:
        raise MemberAreaError(
            errors.PAYLOAD_TOO_LARGE,
            fields={
                "records": [_("At most %(count)s records per batch.") % {"count": settings.ENROLLMENT_API_MAX_RECORDS}]
            },
        )
    try:
        batch_in = BatchIn.model_validate(body)
    except PydanticValidationError as exc:
        fields: dict[str, list] = {}
        for problem in exc.errors():
            name = ".".join(str(part) for part in problem["loc"] if part not in ("policy", "member")) or "__all__"
            fields.setdefault(name, []).append(errors.INVALID.message)
        raise MemberAreaError(errors.INVALID, fields=fields) from None
    batch, replayed = enrollment_batch_import(
        client=request.auth,
        batch_id=batch_in.batch_id,
        records=[record.model_dump() for record in batch_in.records],
        send_welcome=batch_in.send_welcome,
    )
    return {**batch_summary(batch), "replayed": replayed}
