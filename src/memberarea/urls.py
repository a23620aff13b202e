from django.urls import include, path, register_converter

from memberarea.api.router import api
from memberarea.web.views import (
    account,
    language,
    members,
    pages,
    privacy_consent,
    privacy_cookies,
    privacy_data,
    privacy_disclosures,
    privacy_documents,
    privacy_processors,
    privacy_requests,
    privacy_unsubscribe,
    recovery,
    registration,
    security,
    sessions,
    sign_in,
)

register_converter(privacy_documents.DocumentKindConverter, "document")

urlpatterns = [
    path("", pages.home, name="home"),
    path("help/", pages.help_index, name="help-index"),
    path("help/<slug:topic>/", pages.help_topic, name="help-topic"),
    path("language/", language.language_switch, name="language-switch"),
    path("register/", registration.identify, name="register"),
    path("register/details/", registration.details, name="register-details"),
    path("register/verify/", registration.verify, name="register-verify"),
    path("register/password/", registration.password, name="register-password"),
    path("register/link/", registration.link, name="register-link"),
    path("register/done/", registration.done, name="register-done"),
    path("password-reset/", recovery.request_link, name="password-reset"),
    path("password-reset/new/", recovery.new_password, name="password-reset-new"),
    path("password-reset/done/", recovery.done, name="password-reset-done"),
    path("password-reset/<str:token>/", recovery.link, name="password-reset-link"),
    path("forgotten-username/", recovery.forgotten_username, name="forgotten-username"),
    path("sign-in/", sign_in.sign_in, name="sign-in"),
    path("sign-in/code/", sign_in.code, name="sign-in-code"),
    path("sign-in/link/", sign_in.link_page, name="sign-in-link-page"),
    path("sign-in/link/<str:token>/", sign_in.link_open, name="sign-in-link"),
    path("account/", account.index, name="account"),
    path("account/confirm/", account.confirm, name="account-confirm"),
    path("account/password/", account.password, name="account-password"),
    path("account/contact/", account.contact, name="account-contact"),
    path("sign-out/", sessions.sign_out, name="sign-out"),
    path("account/sessions/", sessions.sessions_page, name="account-sessions"),
    path("account/sessions/end-others/", sessions.sessions_end_others_view, name="account-sessions-end-others"),
    path("account/sessions/<uuid:entry_id>/end/", sessions.session_end_view, name="account-session-end"),
    path("security/not-me/", security.not_me, name="not-me"),
    path("security/concern/", security.security_concern, name="security-concern"),
    path("security/not-me/<str:token>/", security.not_me_link, name="not-me-link"),
    path("privacy/cookies/choices/", privacy_cookies.cookie_choices, name="cookie-choices"),
    # Unsubscribe without signing in (PRIV-4): the email's signed link, the SMS's short link.
    path("privacy/unsubscribe/<str:token>/", privacy_unsubscribe.unsubscribe_link, name="privacy-unsubscribe"),
    path("u/<str:code>", privacy_unsubscribe.unsubscribe_short, name="unsubscribe-short"),
    path("staff/", include("memberarea.backoffice.urls")),
    # The published documents (PRIV-1): the version in force, and every version at its own address.
    path("privacy/processors/", privacy_processors.processors, name="privacy-processors"),
    path("privacy/notice/acknowledge/", privacy_documents.notice_acknowledge, name="privacy-notice-acknowledge"),
    path("privacy/<document:kind>/", privacy_documents.document, name="privacy-document"),
    path("privacy/<document:kind>/v<int:number>/", privacy_documents.document_version, name="privacy-document-version"),
    # The member area: the member acted for is part of the path (GUARD-1), as an opaque UUID.
    path("members/", members.members_home, name="members"),
    path("members/<uuid:member_id>/", members.dashboard, name="member-dashboard"),
    path("members/<uuid:member_id>/card/", members.card_page, name="member-card"),
    path("members/<uuid:member_id>/card.pdf", members.card_pdf, name="member-card-pdf"),
    # The privacy centre (PRIV-2, PRIV-3, PRIV-5): choices belong to the signed-in account; the member
    # chosen in the selector is in the path, and a guardian's minor has nothing to choose (PRIV-12).
    path("privacy/", privacy_consent.centre, name="privacy"),
    path("privacy/preferences/", privacy_consent.preferences, name="privacy-preferences"),
    path("privacy/preferences/<uuid:member_id>/", privacy_consent.preferences, name="privacy-preferences-member"),
    path("privacy/consents/", privacy_consent.consents, name="privacy-consents"),
    path("privacy/consents/<uuid:receipt_id>/receipt.json", privacy_consent.receipt, name="privacy-consent-receipt"),
    path(".well-known/gpc.json", privacy_consent.gpc_json, name="gpc-json"),
    # The privacy centre: what the data map says we hold about the member chosen (PRIV-7, PRIV-8).
    path("privacy/data/", privacy_data.holdings_home, name="privacy-data-home"),
    path("privacy/data/<uuid:member_id>/", privacy_data.holdings_page, name="privacy-data"),
    # Rights requests (PRIV-8): the member's requests and a form per kind, for the member chosen.
    path("privacy/requests/", privacy_requests.requests_home, name="privacy-requests-home"),
    path("privacy/requests/<uuid:member_id>/", privacy_requests.requests_page, name="privacy-requests"),
    path(
        "privacy/requests/<uuid:member_id>/new/<slug:kind>/", privacy_requests.request_new, name="privacy-request-new"
    ),
    path(
        "privacy/requests/<uuid:member_id>/<uuid:request_id>/download/",
        privacy_requests.request_download,
        name="privacy-request-download",
    ),
    # Who saw or received the member's data (PRIV-9), and Shine the Light (PRIV-10).
    path("privacy/disclosures/", privacy_disclosures.disclosures_home, name="privacy-disclosures-home"),
    path("privacy/disclosures/<uuid:member_id>/", privacy_disclosures.disclosures_page, name="privacy-disclosures"),
    path("privacy/shine-the-light/", privacy_disclosures.shine_the_light_home, name="privacy-shine-the-light-home"),
    path(
        "privacy/shine-the-light/<uuid:member_id>/",
        privacy_disclosures.shine_the_light_page,
        name="privacy-shine-the-light",
    ),
    path(
        "privacy/shine-the-light/<uuid:member_id>/answer.pdf",
        privacy_disclosures.shine_the_light_pdf_download,
        name="privacy-shine-the-light-pdf",
    ),
    path("api/v1/", api.urls),
    path("", include("memberarea.notifications.urls")),  # /dev/outbox, demo mode only
]

handler403 = "memberarea.web.views.errors.forbidden"
handler404 = "memberarea.web.views.errors.not_found"
handler500 = "memberarea.core.views.server_error"
