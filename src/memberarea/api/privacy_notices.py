"""The published documents for the app (PRIV-1, API-1): the version in force, any version, the acknowledgement.

Documents are public (no token): the app shows the notice before registration too. Texts come in
the request's language (Accept-Language); `body` is the source in the documents' small format and
`html` the same text rendered, every character escaped (privacy/rendering.py). After sign-in the
app reads `notice_to_acknowledge` (in the answer of POST /login/{login_id}/verify and in GET /me),
shows that version and sends POST /privacy/notices/notice/acknowledgement when the member has read it.
"""

import datetime as dt

from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status

from memberarea.core.errors import NOT_FOUND, MemberAreaError
from memberarea.identity.models import Account
from memberarea.privacy import notices
from memberarea.privacy.models import DocumentKind, DocumentVersion
from memberarea.privacy.selectors import document_shown, version_in_force, version_public, versions_public

from .auth import app_token
from .declared import raises

router = Router(tags=["privacy"])
KINDS = "notice | terms | cookies | accessibility"


class VersionRef(Schema):
    number: int
    effective_on: dt.date
    url: str = Field(description="this version in this API")


class DocumentOut(Schema):
    kind: str = Field(description=KINDS)
    number: int
    effective_on: dt.date = Field(description="the 'last updated' day: when this version took effect")
    in_force: bool
    language: str
    summary: str = Field(description="what changed from the previous version; empty for version 1")
    body: str = Field(description="the text in the documents' small format: # and ## headings, - lists, [text](url)")
    html: str = Field(description="the same text as HTML, every character escaped; outside links marked")
    versions: list[VersionRef] = Field(description="every version in force now or before, newest first")


class NoticeToAcknowledge(Schema):
    kind: str = Field(description="always notice")
    version: int
    url: str = Field(description="the version in this API, to show before asking for the acknowledgement")


class AcknowledgementIn(Schema):
    version: int = Field(description="the number of the notice version the member read")


class AcknowledgementOut(Schema):
    version: int
    at: dt.datetime


def version_url(version: DocumentVersion) -> str:
    return f"/api/v1/privacy/notices/{version.kind}/v/{version.number}"


def notice_to_acknowledge_out(account: Account, *, request=None) -> dict | None:
    """What GET /me and the sign-in completion say about a notice waiting for the member's acknowledgement.

    `request`: the sign-in's, whose hook already read the notice (read once per request, PERF-2).
    """
    version = notices.notice_to_acknowledge(account, request=request)
    if version is None:
        return None
    return {"kind": version.kind, "version": version.number, "url": version_url(version)}


def _kind(value: str) -> DocumentKind:
    if value not in DocumentKind.values:
        raise MemberAreaError(NOT_FOUND)
    return DocumentKind(value)


def _document_out(version: DocumentVersion) -> dict:
    shown = document_shown(version, get_language())
    kind = DocumentKind(version.kind)
    return {
        "kind": version.kind,
        "number": version.number,
        "effective_on": version.effective_on,
        "in_force": version.pk == version_in_force(kind).pk,
        "language": get_language(),
        "summary": shown.summary,
        "body": shown.body,
        "html": str(shown.html),
        "versions": [
            {"number": v.number, "effective_on": v.effective_on, "url": version_url(v)} for v in versions_public(kind)
        ],
    }


@router.get("/{kind}", response={200: DocumentOut}, summary="A document's version in force")
@raises(("not_found", "no such document"))
def document(request, kind: str):
    return _document_out(version_in_force(_kind(kind)))


@router.get(
    "/{kind}/v/{number}",
    response={200: DocumentOut},
    summary="One version of a document, readable forever once it has taken effect",
)
@raises(("not_found", "no such document or version, or one not in force yet"))
def document_version(request, kind: str, number: str):
    version = version_public(_kind(kind), int(number)) if number.isdigit() and len(number) < 10 else None
    if version is None:
        raise MemberAreaError(NOT_FOUND)
    return _document_out(version)


@router.post(
    "/notice/acknowledgement",
    auth=app_token,
    response={201: AcknowledgementOut},
    summary='The member\'s "I have read it" of the notice version in force',
    description="Send the number of the version shown. Acknowledging the same version again answers the first "
    "acknowledgement.",
)
@raises(("notice_not_current", "that version is no longer (or not yet) in force: show the current one"))
def acknowledgement(request, payload: AcknowledgementIn):
    done = notices.notice_acknowledge(account=request.auth.account, number=payload.version)
    return Status(201, {"version": payload.version, "at": done.at})
