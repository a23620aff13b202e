"""The published documents and the notice acknowledgement (PRIV-1, UI-1): thin views over `privacy`.

`/privacy/<kind>/` shows the version in force, `/privacy/<kind>/v<n>/` any version that has taken
effect, forever; both in the page's language, with "last updated", the summary of changes and the
list of versions. `/privacy/notice/acknowledge/` is the page a member meets after signing in when a
new notice version is waiting for their "I have read it".
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from memberarea.core.errors import MemberAreaError
from memberarea.identity.models import Account
from memberarea.privacy import notices
from memberarea.privacy.models import DocumentKind
from memberarea.privacy.selectors import document_shown, version_in_force, version_public, versions_public


class DocumentKindConverter:
    """`<document:kind>`: only the four kinds, so other /privacy/… pages are never taken for a document."""

    regex = "|".join(kind.value for kind in DocumentKind)

    def to_python(self, value: str) -> DocumentKind:
        return DocumentKind(value)

    def to_url(self, value: str) -> str:
        return str(value)


def _document_page(request, kind: DocumentKind, version):
    context = {
        "document": document_shown(version, get_language()),
        "title": kind.label,
        "versions": versions_public(kind),
        "in_force": version_in_force(kind),
    }
    return render(request, "web/privacy/document.html", context)


@require_GET
def document(request, kind: DocumentKind):
    return _document_page(request, kind, version_in_force(kind))


@require_GET
def document_version(request, kind: DocumentKind, number: int):
    version = version_public(kind, number)
    if version is None:
        raise Http404
    return _document_page(request, kind, version)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url("members")


def after_sign_in(account: Account, target: str) -> str:
    """Where a browser goes once signed in: the acknowledgement page first when a notice waits for it."""
    path = resolve_url(target)
    if notices.notice_to_acknowledge(account) is None:
        return path
    return f"{reverse('privacy-notice-acknowledge')}?{urlencode({'next': path})}"


@login_required
@require_http_methods(["GET", "POST"])
def notice_acknowledge(request):
    """The summary of the new notice, a link to it, and "I have read it"; then where the member was going."""
    target = _next(request)
    version = notices.notice_to_acknowledge(request.user)
    if version is None:
        return redirect(target)
    error = None
    if request.method == "POST":
        try:
            notices.notice_acknowledge(account=request.user, number=int(request.POST.get("version") or 0))
        except (MemberAreaError, ValueError) as problem:  # a newer version took effect meanwhile: show it
            error = problem
        else:
            return redirect(target)
    context = {"document": document_shown(version, get_language()), "next": target, "stale": error is not None}
    return render(request, "web/privacy/acknowledge.html", context, status=409 if error else 200)
