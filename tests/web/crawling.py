"""What the crawler (tests/web/test_crawler.py, tests/browser/test_crawler_axe.py) needs: the visitors
and their data set, the concrete paths of every route, and the checks it makes on a page's text.

The checks, and the rules that keep them from crying wolf:
- *untranslated*: on a Spanish page, an English msgid of the catalogues whose Spanish differs. Only
  fragments of at least two words and eight characters count (placeholders and tags split a msgid into
  fragments), so "Email", "OK" or a name that is the same in both languages never match.
- *outside-link*: an anchor to another site (http or https, not this site) without the marks of PRIV-15:
  class "outside" (the arrow), rel "noopener noreferrer", and "(opens another site)" in the page's language.
- *raw-enum*: a value or English label of the project's TextChoices/IntegerChoices (or the name of a
  kind of message) shown as text. A code-like value (with "_" or ".") anywhere; a one-word value
  ("holder", "active") as the whole text of an element or of a "·"-separated part of one; on a
  Spanish page the same for the value capitalised and the English label ("Holder", "Active"), unless
  that is also the Spanish label ("Individual").
Text is what a person meets: element text outside <script>/<style>, plus alt, title, placeholder and
aria-label; parts marked with another language (the language buttons, lang="en") are skipped.
"""

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.contrib.sessions.backends.db import SessionStore
from django.db import models
from django.test import Client
from django.utils import translation

from memberarea.backoffice.views import ACTIONS
from memberarea.enrollment.models import Membership
from memberarea.identity.models import Account, Role
from memberarea.notifications.models import Message
from memberarea.privacy.campaigns import campaign_create
from memberarea.privacy.models import Campaign, ConsentPurpose, DocumentKind
from memberarea.privacy.unsubscribe import unsubscribe_short_url, unsubscribe_url
from memberarea.web.views.pages import HELP_TOPICS
from tests.backoffice.conftest import REASON, make_staff
from tests.enrollment.records import nif
from tests.identity.flows.test_recovery import link_sent
from tests.identity.registering import HOLDER_NIF, PASSWORD, last_code
from tests.identity.signing_in import session_sign_in, signed_in_client
from tests.privacy.campaigning import EMAIL_DRAFT
from tests.privacy.records import holder_receipt_id
from tests.security.test_authorization_matrix import MEMBER_SCOPED, every_route
from tests.web.test_translations import CATALOGUES

LANGUAGES = ("es", "en")
MEMBER_VISITORS = ("member", "guardian")
STAFF_VISITORS = tuple(role.value for role in Role)
VISITORS = ("anonymous", *MEMBER_VISITORS, *STAFF_VISITORS)
NOT_A_TOKEN = "not-a-real-token"
SPARE_STAFF = "STAFF-SPARE"
CAMPAIGN_AUTHOR = "STAFF-CAMPAIGNS"


def web_routes() -> set[str]:
    """Every page route of the authorization matrix's walk of the resolver (API operations are JSON)."""
    return {route for route in every_route() if " " not in route}


# --- the visitors and their data ---------------------------------------------------------------------
@dataclass
class Visit:
    """One visitor in one language: the client, and the ids its paths need."""

    visitor: str
    language: str
    client: Client
    member_id: str  # the member acted for: one's own, the minor's for the guardian
    holder_id: str  # the member staff look up
    spare_staff_id: str  # a staff account the administrator may change
    other_session_id: str  # another session of the same account (a random id for anonymous)
    message_id: str
    campaign_id: str  # a campaign drafted by a marketing employee (BO-1)
    staff: bool = False
    account: object = None


def visit_prepare(visitor: str, language: str, member_account) -> Visit:
    """The `member_account` data set (tests/identity/registering.py) plus a spare staff account."""
    holder = Membership.objects.get(member_number="M000001")
    child = Membership.objects.get(member_number="M000003")
    spare = _spare_staff()
    account = None
    if visitor in MEMBER_VISITORS:
        account = member_account
    elif visitor in STAFF_VISITORS:
        account = make_staff(Role(visitor))
    other_session = str(uuid.uuid4())
    if account is None:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
    else:
        account.language = language
        account.save(update_fields=["language"])
        client, _ = signed_in_client(account, language=language)
        other_session = str(session_sign_in(SessionStore(), account).pk)
    return Visit(
        visitor=visitor,
        language=language,
        client=client,
        member_id=str(child.pk if visitor == "guardian" else holder.pk),
        holder_id=str(holder.pk),
        spare_staff_id=str(spare.pk),
        other_session_id=other_session,
        message_id=str(Message.objects.order_by("created_at").values_list("pk", flat=True)[0]),
        campaign_id=str(_campaign().pk),
        staff=visitor in STAFF_VISITORS,
        account=account,
    )


def _campaign() -> Campaign:
    campaign = Campaign.objects.first()
    if campaign is None:
        campaign = campaign_create(actor=make_staff(Role.MARKETING, username=CAMPAIGN_AUTHOR), draft=EMAIL_DRAFT)
    return campaign


def _spare_staff() -> Account:
    try:
        return Account.objects.get_by_natural_key(SPARE_STAFF)
    except Account.DoesNotExist:
        return make_staff(Role.AGENT, username=SPARE_STAFF)


def staff_record_open(visit: Visit) -> None:
    """Give the reason and ticket for the member's record (BO-4), as an agent does before reading it."""
    visit.client.post(f"/staff/members/{visit.holder_id}/", REASON)


def _unsubscribe(visit: Visit, channel: str) -> str:
    """A valid unsubscribe link of the holder (PRIV-4): the signed email link, or a new SMS short link."""
    account = Membership.objects.select_related("person__account").get(pk=visit.holder_id).person.account
    if channel == "email":
        url = unsubscribe_url(account=account, purpose=ConsentPurpose.MARKETING_EMAIL)
    else:
        url = unsubscribe_short_url(account=account, purpose=ConsentPurpose.MARKETING_SMS)
    return urlsplit(url).path


# --- states a plain GET does not reach: flows half-way, for a new anonymous browser ------------------
def _sign_in_password(client: Client) -> bool:
    return client.post("/sign-in/", {"username": HOLDER_NIF, "password": PASSWORD}).get("Location") == "/sign-in/code/"


def _sign_in_code_sent(client: Client) -> bool:
    return _sign_in_password(client) and client.post("/sign-in/code/", {"channel": "email"}).status_code == 302


def _registration_identified(client: Client) -> bool:
    """Member 2 (the holder's spouse: no account, no document on record yet) at step 2."""
    facts = {"member_number": "M-000002", "date_of_birth": "1985-03-12", "policy_number": "POL-100"}
    return client.post("/register/", facts).get("Location") == "/register/details/"


def _registration_verifying(client: Client) -> bool:
    """Step 2 done with a new email, so a code waits to be typed."""
    details = {"document_type": "nif", "document_number": nif("20000002"), "change_email": "on",
               "email": "nuevo2@example.invalid"}  # fmt: skip
    return _registration_identified(client) and client.post("/register/details/", details).get("Location") == (
        "/register/verify/"
    )


def _registration_ready(client: Client) -> bool:
    if not _registration_verifying(client):
        return False
    code = last_code("nuevo2@example.invalid")
    return client.post("/register/verify/", {"channel": "email", "code": code}).get("Location") == "/register/password/"


def _contact_code_sent(client: Client) -> bool:
    return client.post("/account/contact/", {"channel": "sms", "value": "699 111 222"}).get("Location") == (
        "/account/contact/"
    )


def _recovery_link_opened(client: Client) -> bool:
    return client.get(f"/password-reset/{link_sent()}/").get("Location") == "/password-reset/new/"


# Each state: which visitor, how a new browser (signed in for a member) reaches it, the routes crawled there.
JOURNEYS: dict[str, tuple[str, Callable[[Client], bool], tuple[str, ...]]] = {
    "sign-in, password given": ("anonymous", _sign_in_password, ("sign-in/code/",)),
    "sign-in, code sent": ("anonymous", _sign_in_code_sent, ("sign-in/code/", "sign-in/link/")),
    "registration, step 2": ("anonymous", _registration_identified, ("register/details/",)),
    "registration, code to type": ("anonymous", _registration_verifying, ("register/verify/",)),
    "registration, password to choose": ("anonymous", _registration_ready, ("register/password/",)),
    "recovery, link opened": ("anonymous", _recovery_link_opened, ("password-reset/new/",)),
    "contact change, code to type": ("member", _contact_code_sent, ("account/contact/",)),
}


def journeys_of(visitor: str) -> list[str]:
    return [state for state, (who, _, _) in JOURNEYS.items() if who == visitor]


def journey_visit(visit: Visit, state: str) -> Visit | None:
    """The visit with a new browser brought to `state`, or None when the flow did not get there."""
    _, reach, _ = JOURNEYS[state]
    if visit.account is None:
        client = Client(HTTP_ACCEPT_LANGUAGE=visit.language)
    else:
        client, _ = signed_in_client(visit.account, language=visit.language)
    fresh = dataclasses.replace(visit, client=client)
    return fresh if reach(fresh.client) else None


# --- the paths of each route ---------------------------------------------------------------------------
# Routes without parameters are crawled as they are; a route with parameters needs a builder here.
PathBuilder = Callable[[Visit], list[str]]
NO_REQUEST = "00000000-0000-0000-0000-000000000000"
BUILDERS: dict[str, PathBuilder] = {
    "help/<slug:topic>/": lambda v: [*(f"/help/{topic.slug}/" for topic in HELP_TOPICS), "/help/no-such-topic/"],
    "password-reset/<str:token>/": lambda v: [f"/password-reset/{NOT_A_TOKEN}/"],
    "sign-in/link/<str:token>/": lambda v: [f"/sign-in/link/{NOT_A_TOKEN}/"],
    "security/not-me/<str:token>/": lambda v: [f"/security/not-me/{NOT_A_TOKEN}/"],
    "privacy/unsubscribe/<str:token>/": lambda v: [f"/privacy/unsubscribe/{NOT_A_TOKEN}/", _unsubscribe(v, "email")],
    "u/<str:code>": lambda v: ["/u/not-a-code", _unsubscribe(v, "sms")],
    "account/sessions/<uuid:entry_id>/end/": lambda v: [f"/account/sessions/{v.other_session_id}/end/"],
    "privacy/consents/<uuid:receipt_id>/receipt.json": lambda v: [
        f"/privacy/consents/{holder_receipt_id()}/receipt.json"
    ],
    **{
        route: (lambda v, scoped=scoped: [scoped.path(v.member_id)])
        for route, scoped in MEMBER_SCOPED.items()
        if not scoped.api
    },
    "staff/members/<uuid:membership_id>/": lambda v: [f"/staff/members/{v.holder_id}/"],
    "staff/members/<uuid:membership_id>/<slug:name>/": lambda v: [
        f"/staff/members/{v.holder_id}/{name}/" for name in ACTIONS
    ],
    "staff/deliveries/<uuid:message_id>/retry/": lambda v: [f"/staff/deliveries/{v.message_id}/retry/"],
    "staff/deliveries/core/<uuid:message_id>/retry/": lambda v: [f"/staff/deliveries/core/{uuid.uuid4()}/retry/"],
    "staff/privacy/partner-exports/<uuid:export_id>/file.csv": lambda v: [
        f"/staff/privacy/partner-exports/{uuid.uuid4()}/file.csv"
    ],
    **{
        f"staff/campaigns/<uuid:campaign_id>/{step}": (
            lambda v, step=step: [f"/staff/campaigns/{v.campaign_id}/{step}"]
        )
        for step in ("", "submit/", "approve/", "reject/")
    },
    # Rights requests (PRIV-8): no request exists in the crawl, so these are the not-found answers; the
    # pages with a request are opened by tests/browser/test_rights_requests.py.
    "privacy/requests/<uuid:member_id>/<uuid:request_id>/download/": lambda v: [
        f"/privacy/requests/{v.member_id}/{NO_REQUEST}/download/"
    ],
    "staff/privacy/requests/<uuid:request_id>/": lambda v: [f"/staff/privacy/requests/{NO_REQUEST}/"],
    "staff/privacy/requests/<uuid:request_id>/<slug:action>/": lambda v: [
        f"/staff/privacy/requests/{NO_REQUEST}/confirm/"
    ],
    "staff/privacy/retention/<uuid:run_id>/": lambda v: [f"/staff/privacy/retention/{NO_REQUEST}/"],
    "staff/staff/<uuid:account_id>/roles/": lambda v: [f"/staff/staff/{v.spare_staff_id}/roles/"],
    "staff/staff/<uuid:account_id>/deactivate/": lambda v: [f"/staff/staff/{v.spare_staff_id}/deactivate/"],
    "privacy/<document:kind>/": lambda v: [f"/privacy/{kind}/" for kind in DocumentKind],
    "privacy/<document:kind>/v<int:number>/": lambda v: [
        *(f"/privacy/{kind}/v1/" for kind in DocumentKind),
        "/privacy/notice/v99/",
    ],
    "staff/privacy/aggregates/<slug:key>.csv": lambda v: [
        *(f"/staff/privacy/aggregates/{key}.csv" for key in ("age", "policy", "consent")),
        "/staff/privacy/aggregates/nothing.csv",
    ],
    "staff/documents/<str:kind>/publish/": lambda v: [
        *(f"/staff/documents/{kind}/publish/" for kind in DocumentKind),
        "/staff/documents/no-such/publish/",
    ],
}
# Crawled last, in this order: what they do would change the pages after them.
LAST = ("account/sessions/end-others/", "sign-out/")
# (The alarm of "security/concern/" needs its box ticked, which the crawler's empty and "?" posts never do.)
# Routes the crawler does not open, with the reason.
EXEMPT: dict[str, str] = {}


def routes_in_order(routes: set[str]) -> list[str]:
    first = sorted(route for route in routes if route not in LAST and route not in EXEMPT)
    return [*first, *(route for route in LAST if route in routes)]


def paths_of(route: str, visit: Visit) -> list[str]:
    if route in BUILDERS:
        return BUILDERS[route](visit)
    assert "<" not in route, f"give {route} a builder in BUILDERS (or an EXEMPT reason)"
    return [f"/{route}"]


# --- reading a page ----------------------------------------------------------------------------------
OWN_HOSTS = {"testserver", "localhost", "127.0.0.1"}  # the site itself, as tests and `make run` serve it
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HIDDEN_CONTENT = {"script", "style", "template", "noscript"}
SPOKEN_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


@dataclass
class OutsideLink:
    """An anchor to another site: its address, rel and class, and all the text inside it (hidden too)."""

    href: str
    rel: set[str]
    classes: set[str]
    text: str = ""


@dataclass
class Form:
    action: str | None
    fields: dict[str, str] = field(default_factory=dict)  # name -> value of hidden inputs, "" otherwise


class PageReader(HTMLParser):
    """The text a person reads or hears, and the POST forms, of one HTML page."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.texts: list[str] = []
        self.forms: list[Form] = []
        self._open: list[tuple[str, bool]] = []  # (tag, hidden from this language's reader)
        self._form: Form | None = None
        self.outside_links: list[OutsideLink] = []
        self._link: OutsideLink | None = None
        self.tags_in_title: list[str] = []  # a browser shows them as text in the tab: a template slip

    def _hidden(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if any(opened == "title" for opened, _ in self._open):
            self.tags_in_title.append(tag)
        hidden = self._hidden() or tag in HIDDEN_CONTENT
        lang = attributes.get("lang")
        if lang and tag != "html" and not lang.startswith(self.language):
            hidden = True
        if not hidden:
            self.texts += [_spaces(attributes[name]) for name in SPOKEN_ATTRIBUTES if attributes.get(name)]
        href = attributes.get("href") or ""
        if tag == "a" and href.startswith(("http://", "https://")) and urlsplit(href).hostname not in OWN_HOSTS:
            self._link = OutsideLink(href, set((attributes.get("rel") or "").split()),
                                     set((attributes.get("class") or "").split()))  # fmt: skip
            self.outside_links.append(self._link)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._form = Form(action=attributes.get("action"))
            self.forms.append(self._form)
        if self._form is not None and tag in ("input", "select", "textarea", "button") and attributes.get("name"):
            kept = attributes.get("value") or "" if attributes.get("type") == "hidden" else ""
            self._form.fields.setdefault(attributes["name"], kept)
        if tag not in VOID:
            self._open.append((tag, hidden))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "a":
            self._link = None
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        text = _spaces(data)
        if self._link is not None:
            self._link.text = _spaces(f"{self._link.text} {text}")
        if text and not self._hidden():
            self.texts.append(text)


def _spaces(text: str) -> str:
    return " ".join(text.split())


def page_read(html: str, language: str) -> PageReader:
    reader = PageReader(language)
    reader.feed(html)
    reader.close()
    return reader


def own_forms(reader: PageReader, path: str) -> list[Form]:
    """The POST forms that send to the page itself (not the header's language and sign-out forms)."""
    return [form for form in reader.forms if form.action in (None, "", path)]


def invalid_data(forms: list[Form]) -> dict[str, str]:
    """Every input of the page's forms filled with "?" (no valid date, code, email, choice or number),
    hidden inputs kept as the page gave them."""
    data: dict[str, str] = {}
    for form in forms:
        for name, kept in form.fields.items():
            if name != "csrfmiddlewaretoken":
                data[name] = kept or "?"
    return data or {"value": "?"}


# --- the checks --------------------------------------------------------------------------------------
_PO_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n)+)', re.M)
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdi]|%[sd]|\{\w*\}|<[^>]+>")


def _po_string(quoted: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', quoted)
    return "".join(parts).encode("latin-1", "backslashreplace").decode("unicode_escape").replace("%%", "%")


def _qualifies(fragment: str) -> bool:
    return len(fragment.split()) >= 2 and len(fragment) >= 8


@cache
def spanish_catalogue() -> dict[str, str]:
    """msgid -> msgstr of the project's catalogues (the project's own first, as Django reads them)."""
    entries: dict[str, str] = {}
    for catalogue in CATALOGUES:
        for raw_id, raw_str in _PO_ENTRY.findall(catalogue.read_text(encoding="utf-8")):
            entries.setdefault(_po_string(raw_id), _po_string(raw_str))
    return entries


@cache
def untranslated_pattern() -> re.Pattern:
    """One pattern for every English fragment that must not be seen on a Spanish page."""
    fragments = set()
    for msgid, msgstr in spanish_catalogue().items():
        if msgid and msgstr and msgid != msgstr:
            for part in _PLACEHOLDER.split(msgid):
                fragment = _spaces(part).strip(" .,:;·")
                if _qualifies(fragment) and fragment not in msgstr:
                    fragments.add(fragment)
    alternatives = "|".join(re.escape(fragment) for fragment in sorted(fragments, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@dataclass(frozen=True)
class Enums:
    codes: frozenset[str]  # code-like values: "spouse_partner", "registration_complete"
    shown_raw: dict[str, frozenset[str]]  # per language, what a whole text must not be: "holder", "Active"


def _choices_classes() -> Iterator[type[models.Choices]]:
    pending = [models.Choices]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("memberarea."):
                yield subclass


def _message_templates() -> set[str]:
    """The kinds of message (folders notifications/<name>/ of the apps), shown as codes in the outbox."""
    source = CATALOGUES[0].parents[3]
    return {folder.name for folder in source.glob("*/templates/notifications/*") if folder.name != "dev"}


@cache
def project_enums() -> Enums:
    """From every TextChoices/IntegerChoices of the project, and the message kinds.

    English pages must not show a one-word value in place of its label ("active" for "Active");
    Spanish pages must not show the value, the value capitalised or the English label, unless that
    is the Spanish label itself ("Individual", in the catalogue as such)."""
    codes: set[str] = set()
    shown_raw: dict[str, set[str]] = {"en": set(), "es": set()}
    entries = []
    for choices in _choices_classes():
        for member in choices:
            with translation.override("en"):
                english = str(member.label)
            with translation.override("es"):
                spanish = str(member.label)
            entries.append((member.value, english, spanish))
    entries += [(name, "", "") for name in _message_templates()]
    for value, english, spanish in entries:
        if not isinstance(value, str) or not value:
            continue
        if "_" in value or "." in value:
            codes.add(value)
            continue
        shown_raw["en"] |= {value} - {english}
        # A label never marked for translation reads the same in Spanish; one the catalogue keeps as is does too.
        translated = spanish != english or spanish_catalogue().get(english) == english
        shown_raw["es"] |= {value, value.capitalize(), english} - {spanish if translated else "", ""}
    return Enums(frozenset(codes), {language: frozenset(forms) for language, forms in shown_raw.items()})


def _parts(texts: list[str]) -> set[str]:
    parts = set()
    for text in texts:
        parts.add(text)
        parts.update(part.strip() for part in text.split("·"))
    return parts


def page_findings(reader: PageReader, language: str) -> list[tuple[str, str]]:
    """(check, detail) for what is wrong in the page's text."""
    findings = []
    enums = project_enums()
    whole = " ".join(reader.texts)
    parts = _parts(reader.texts)
    for code in sorted(enums.codes):
        if re.search(rf"(?<![\w.@-]){re.escape(code)}(?![\w.@-])", whole):
            findings.append(("raw-enum", code))
    findings += [("raw-enum", form) for form in sorted(enums.shown_raw[language] & parts)]
    if language == "es":
        found = sorted(set(untranslated_pattern().findall(whole)))
        findings += [("untranslated", text) for text in found]
    findings += [
        ("outside-link", link.href) for link in reader.outside_links if not outside_link_marked(link, language)
    ]
    findings += [("markup-in-title", tag) for tag in reader.tags_in_title]
    return findings


def outside_link_marked(link: OutsideLink, language: str) -> bool:
    """PRIV-15: a link to another site says so (the class that draws the arrow, and words for a screen
    reader in the page's language) and hands the other site neither an opener nor a referrer."""
    with translation.override(language):
        words = translation.gettext("(opens another site)")
    return "outside" in link.classes and {"noopener", "noreferrer"} <= link.rel and words in link.text
