"""Staff pages (BO-1..5): thin views over the back-office services and selectors.

Every page needs a signed-in staff account (a member gets 404, as if the pages did not exist) and
one of the roles the BO-1 table gives its action. Opening a record asks for a reason and a ticket
reference; the grant lasts `BACKOFFICE_REASON_GRANT_SECONDS` (15 minutes by default) for this session and this
member, then it asks again.
"""

import datetime as dt
import functools
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from memberarea.core import clock
from memberarea.core.errors import INVALID, NOT_FOUND, MemberAreaError, choice_parse
from memberarea.core.form_pages import form_page
from memberarea.enrollment.models import DocumentType, Membership
from memberarea.identity.models import Account, CodeChannel, Role
from memberarea.members.access import Purpose, access_member, roles_for
from memberarea.members.models import AccessReason
from memberarea.notifications.integration_delivery import core_system_configured
from memberarea.notifications.selectors import integration_messages_held
from memberarea.privacy.documents import document_publish as publish
from memberarea.privacy.models import DocumentKind
from memberarea.privacy.processing import processing_csv, processing_pdf
from memberarea.privacy.rendering import document_render
from memberarea.privacy.selectors import page_views_per_day, version_in_force, versions_all

from . import selectors, services
from .charts import bar_chart
from .forms import AuditFilterForm

GRANTS_KEY = "backoffice_record_grants"


RECORD_ROLES = roles_for(Purpose.RECORD)
ASSIST_ROLES = roles_for(Purpose.ASSIST)
UNLOCK_ROLES = roles_for(Purpose.UNLOCK)
FREEZE_ROLES = roles_for(Purpose.FREEZE)
DELIVERY_ROLES = roles_for(Purpose.DELIVERIES)
ADMIN_ROLES = (Role.ADMINISTRATOR,)
DOCUMENT_ROLES = (Role.PRIVACY_OFFICER,)  # BO-1: "publish notice versions"
ANALYTICS_ROLES = (Role.PRIVACY_OFFICER, Role.ADMINISTRATOR)  # page views per day (PRIV-6)
# BO-1: every role searches (masked results) but marketing, which never sees a member.
SEARCH_ROLES = tuple(role for role in Role if role != Role.MARKETING)
PRIVACY_ROLES = (Role.PRIVACY_OFFICER,)


def staff_required(*roles: str):
    """Signed in (else to sign-in), staff (else 404), holding one of `roles` (else 403); none = any role."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_staff:
                raise Http404
            if roles and not user.roles & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_page(request, template: str, context: dict | None = None, error: MemberAreaError | None = None):
    if error is not None and error.code == NOT_FOUND.code:
        raise Http404
    may = {
        "search": bool(request.user.roles & set(SEARCH_ROLES)),
        "record": bool(request.user.roles & set(RECORD_ROLES)),
        "assist": bool(request.user.roles & set(ASSIST_ROLES)),
        "unlock": bool(request.user.roles & set(UNLOCK_ROLES)),
        "freeze": bool(request.user.roles & set(FREEZE_ROLES)),
        "deliveries": bool(request.user.roles & set(DELIVERY_ROLES)),
        "manage_staff": request.user.has_role(Role.ADMINISTRATOR),
        "documents": bool(request.user.roles & set(DOCUMENT_ROLES)),
        "analytics": bool(request.user.roles & set(ANALYTICS_ROLES)),
        "campaigns": request.user.has_role(Role.MARKETING) or request.user.has_role(Role.PRIVACY_OFFICER),
        "draft_campaigns": request.user.has_role(Role.MARKETING),
        "privacy": bool(request.user.roles & set(PRIVACY_ROLES)),
        "security_cases": request.user.has_role(Role.SECURITY_OFFICER),
        "read_all_audit": bool(request.user.roles & selectors.AUDIT_READERS_OF_ALL),
    }
    base = {"may": may, "reasons": AccessReason.choices, "values": request.POST}
    return form_page(request, f"backoffice/{template}", {**base, **(context or {})}, error)


# --- the record grant ---------------------------------------------------------------------------
def _grant(request, membership_id: str) -> dict | None:
    """This session's live grant on the member: {"until", "reason", "ticket"}, or None."""
    grant = request.session.get(GRANTS_KEY, {}).get(membership_id)
    return grant if grant and grant["until"] > clock.now().timestamp() else None


def _grant_store(request, membership_id: str, reason: str, ticket: str) -> None:
    now = clock.now().timestamp()
    grants = {key: value for key, value in request.session.get(GRANTS_KEY, {}).items() if value["until"] > now}
    until = now + settings.BACKOFFICE_REASON_GRANT_SECONDS
    grants[membership_id] = {"until": until, "reason": reason, "ticket": ticket}
    request.session[GRANTS_KEY] = grants


def _membership(membership_id: uuid.UUID) -> Membership:
    membership = Membership.objects.select_related("person__account", "policy").filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


# --- pages --------------------------------------------------------------------------------------
@staff_required()
def home(request):
    return staff_page(request, "home.html")


@staff_required(*SEARCH_ROLES)
def search(request):
    query = request.GET.get("q", "").strip()
    hits = selectors.members_search(query) if query else None
    name_too_short = hits == [] and selectors.name_query_too_short(query)
    return staff_page(request, "search.html", {"query": query, "hits": hits, "name_too_short": name_too_short})


@staff_required(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def record(request, membership_id: uuid.UUID):
    """The reason gate, then the record (BO-4): nothing of the member is shown before access is granted."""
    key = str(membership_id)
    if request.method == "POST":
        reason, ticket = request.POST.get("reason", ""), request.POST.get("ticket", "").strip()
        try:
            access_member(
                actor=request.user, member_id=membership_id, purpose=Purpose.RECORD, reason=reason, ticket=ticket
            )
        except MemberAreaError as error:
            return staff_page(request, "record_gate.html", {"membership_id": key}, error)
        _grant_store(request, key, reason, ticket)
        return redirect("backoffice:record", membership_id=key)
    grant = _grant(request, key)
    membership = _membership(membership_id)
    if grant is None:
        return staff_page(request, "record_gate.html", {"membership_id": key})
    context = {"record": selectors.member_record(membership), "grant": grant}
    if request.user.roles & set(DELIVERY_ROLES):
        context["panel"] = selectors.troubleshooting(membership)
    return staff_page(request, "record.html", context)


ACTIONS: dict[str, tuple[Callable[..., object], tuple[str, ...], Promise]] = {
    "username": (services.username_change, ASSIST_ROLES, gettext_lazy("Change the username (identity document)")),
    "contact": (services.contact_update, ASSIST_ROLES, gettext_lazy("Update the email or mobile")),
    "welcome": (services.welcome_resend_for_member, ASSIST_ROLES, gettext_lazy("Resend the welcome email")),
    "unlock": (services.sign_in_unlock, UNLOCK_ROLES, gettext_lazy("Unlock sign-in")),
    "sessions": (services.sessions_end_for_member, UNLOCK_ROLES, gettext_lazy("End all the member's sessions")),
    "freeze": (services.account_freeze_by_staff, FREEZE_ROLES, gettext_lazy("Freeze the account")),
}
ACTION_FIELDS = {
    "username": ("document_type", "document_number", "document_country"),
    "contact": ("channel", "value"),
}


@staff_required()
@require_http_methods(["GET", "POST"])
def action(request, membership_id: uuid.UUID, name: str):
    """One assisted action on the member (BO-2, BO-3): its own reason and ticket, then the service."""
    if name not in ACTIONS:
        raise Http404
    service, roles, title = ACTIONS[name]
    if not request.user.roles & set(roles):
        raise PermissionDenied
    key = str(membership_id)
    grant = _grant(request, key)
    if grant is None:
        return redirect("backoffice:record", membership_id=key)
    membership = _membership(membership_id)
    context = {
        "name": name,
        "title": title,
        "membership_id": key,
        "who": selectors.member_record(membership)["first_name"],
        "grant": grant,
        "document_types": DocumentType.choices,
    }
    if request.method == "GET":
        return staff_page(request, "action.html", context)
    fields: dict[str, object] = {field: request.POST.get(field, "") for field in ACTION_FIELDS.get(name, ())}
    try:
        if "channel" in fields:  # the one choice among the actions' fields, parsed here once
            fields["channel"] = choice_parse(
                fields["channel"], CodeChannel, field="channel", message=_("Choose email or mobile.")
            )
        service(
            actor=request.user,
            member_id=membership_id,
            reason=request.POST.get("reason", ""),
            ticket=request.POST.get("ticket", ""),
            **fields,
        )
    except MemberAreaError as error:
        return staff_page(request, "action.html", context, error)
    messages.success(request, _("Done: %(action)s.") % {"action": title})
    return redirect("backoffice:record", membership_id=key)


@staff_required()
def audit(request):
    """The audit log, 50 entries a page, filtered by a validated GET form (BO-5)."""
    readers_of_all = bool(request.user.roles & selectors.AUDIT_READERS_OF_ALL)
    form = AuditFilterForm(request.GET, staff_choices=selectors.staff_choices() if readers_of_all else [])
    filters = {name: request.GET.get(name, "") for name in form.fields}
    context = {"form": form, "filters": filters, "own_only": not readers_of_all, "page": None, "rows": []}
    if not form.is_valid():
        error = MemberAreaError(
            INVALID, fields={name: [str(text) for text in texts] for name, texts in form.errors.items()}
        )
        return staff_page(request, "audit.html", context, error)
    entries = selectors.audit_entries(viewer=request.user, filters=form.filters())
    page = Paginator(entries, selectors.AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, rows=selectors.audit_rows(list(page.object_list)), query=query.urlencode())
    return staff_page(request, "audit.html", context)


@staff_required(*DELIVERY_ROLES)
def deliveries(request):
    return staff_page(request, "deliveries.html", _deliveries_context())


def _deliveries_context() -> dict:
    return {
        "failed": selectors.deliveries_failed(),
        "failed_tasks": selectors.background_tasks_failed(),
        "core_failed": selectors.core_system_messages_failed(),
        "core_held": integration_messages_held(),
        "core_configured": core_system_configured(),
    }


@staff_required(*DELIVERY_ROLES)
@require_POST
def delivery_retry(request, message_id: uuid.UUID):
    try:
        services.message_retry(
            actor=request.user,
            message_id=message_id,
            reason=request.POST.get("reason", ""),
            ticket=request.POST.get("ticket", ""),
        )
    except MemberAreaError as error:
        return staff_page(request, "deliveries.html", _deliveries_context(), error)
    messages.success(request, _("The message will be sent again."))
    return redirect("backoffice:deliveries")


@staff_required(*DELIVERY_ROLES)
@require_POST
def core_message_retry(request, message_id: uuid.UUID):
    try:
        services.core_message_retry(actor=request.user, message_id=message_id, ticket=request.POST.get("ticket", ""))
    except MemberAreaError as error:
        return staff_page(request, "deliveries.html", _deliveries_context(), error)
    messages.success(request, _("The message will be sent to the core system again."))
    return redirect("backoffice:deliveries")


@staff_required(*ANALYTICS_ROLES)
def analytics(request):
    """Page views per day over the last 30 days (PRIV-6): an SVG chart drawn here, and the same numbers as a table."""
    days = page_views_per_day(days=30)
    context = {"chart": bar_chart(days), "days": days, "total": sum(count for _, count in days)}
    return staff_page(request, "analytics.html", context)


# --- the record of processing (privacy officers, PRIV-7) -----------------------------------------
@staff_required(*PRIVACY_ROLES)
@require_GET
def processing(request):
    return staff_page(request, "processing.html")


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required(*PRIVACY_ROLES)
@require_GET
def processing_csv_download(request):
    content = processing_csv(get_language()).encode()
    return download(content, "text/csv; charset=utf-8", "record-of-processing.csv")


@staff_required(*PRIVACY_ROLES)
@require_GET
def processing_pdf_download(request):
    return download(processing_pdf(get_language()), "application/pdf", "record-of-processing.pdf")


# --- staff management (administrators) ----------------------------------------------------------
def _staff_page(request, context: dict | None = None, error: MemberAreaError | None = None):
    chosen = request.POST.getlist("roles")
    context = {"staff": selectors.staff_accounts(), "roles": Role.choices, "chosen_roles": chosen, **(context or {})}
    return staff_page(request, "staff.html", context, error)


@staff_required(*ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def staff(request):
    """The staff list and the form to add one; a new account's temporary password is shown once."""
    if request.method == "GET":
        return _staff_page(request)
    try:
        account, password = services.staff_create(
            username=request.POST.get("username", ""),
            email=request.POST.get("email", ""),
            display_name=request.POST.get("display_name", ""),
            roles=request.POST.getlist("roles"),
            actor_id=str(request.user.pk),
        )
    except MemberAreaError as error:
        return _staff_page(request, error=error)
    return _staff_page(request, {"created": account, "temporary_password": password})


def _staff_account(account_id: uuid.UUID) -> Account:
    account = Account.objects.filter(pk=account_id, staff_roles__isnull=False).distinct().first()
    if account is None:
        raise Http404
    return account


@staff_required(*ADMIN_ROLES)
@require_POST
def staff_roles(request, account_id: uuid.UUID):
    try:
        services.staff_roles_set(
            actor=request.user, account=_staff_account(account_id), roles=request.POST.getlist("roles")
        )
    except MemberAreaError as error:
        return _staff_page(request, error=error)
    messages.success(request, _("The roles have been changed."))
    return redirect("backoffice:staff")


@staff_required(*ADMIN_ROLES)
@require_POST
def staff_deactivate(request, account_id: uuid.UUID):
    try:
        services.staff_deactivate(actor=request.user, account=_staff_account(account_id))
    except MemberAreaError as error:
        return _staff_page(request, error=error)
    messages.success(request, _("The account has been deactivated."))
    return redirect("backoffice:staff")


# --- published documents (privacy officers, PRIV-1) -----------------------------------------------
DOCUMENT_TEXTS = ("body_es", "body_en", "summary_es", "summary_en")


@staff_required(*DOCUMENT_ROLES)
def documents(request):
    """Every version of each document, future ones included, with the one in force marked."""
    kinds = [
        {"kind": kind, "label": kind.label, "versions": versions_all(kind), "in_force": version_in_force(kind)}
        for kind in DocumentKind
    ]
    return staff_page(request, "documents.html", {"kinds": kinds, "today": clock.today_in(settings.INSURER_TIME_ZONE)})


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


@staff_required(*DOCUMENT_ROLES)
@require_http_methods(["GET", "POST"])
def document_publish(request, kind: str):
    """Write the next version (both languages, a summary of changes, the day it takes effect), preview it, publish."""
    if kind not in DocumentKind.values:
        raise Http404
    document = DocumentKind(kind)
    current = version_in_force(document)
    values = {name: getattr(current, name) for name in ("body_es", "body_en")} | {"summary_es": "", "summary_en": ""}
    context: dict = {"kind": document, "label": document.label, "current": current, "values": values}
    if request.method == "GET":
        return staff_page(request, "document_publish.html", context)
    texts = {name: request.POST.get(name, "") for name in DOCUMENT_TEXTS}
    context["values"] = {**texts, "effective_on": request.POST.get("effective_on", "")}
    if request.POST.get("action") != "publish":
        context["preview"] = {"es": document_render(texts["body_es"]), "en": document_render(texts["body_en"])}
        return staff_page(request, "document_publish.html", context)
    try:
        version = publish(
            actor=request.user, kind=document, effective_on=_day(request.POST.get("effective_on", "")), **texts
        )
    except MemberAreaError as error:
        return staff_page(request, "document_publish.html", context, error)
    done = {"document": document.label, "number": version.number}
    messages.success(request, _("Published: %(document)s, version %(number)s.") % done)
    return redirect("backoffice:documents")
