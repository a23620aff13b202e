from django.urls import include, path

from memberarea.api.router import api
from memberarea.web.views import (
    account,
    language,
    members,
    pages,
    privacy_data,
    recovery,
    registration,
    security,
    sessions,
    sign_in,
)

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
    path("security/not-me/<str:token>/", security.not_me_link, name="not-me-link"),
    path("staff/", include("memberarea.backoffice.urls")),
    # The member area: the member acted for is part of the path (GUARD-1), as an opaque UUID.
    path("members/", members.members_home, name="members"),
    path("members/<uuid:member_id>/", members.dashboard, name="member-dashboard"),
    path("members/<uuid:member_id>/card/", members.card_page, name="member-card"),
    path("members/<uuid:member_id>/card.pdf", members.card_pdf, name="member-card-pdf"),
    # The privacy centre: what the data map says we hold about the member chosen (PRIV-7, PRIV-8).
    path("privacy/data/", privacy_data.holdings_home, name="privacy-data-home"),
    path("privacy/data/<uuid:member_id>/", privacy_data.holdings_page, name="privacy-data"),
    path("api/v1/", api.urls),
    path("", include("memberarea.notifications.urls")),  # /dev/outbox, demo mode only
]

handler403 = "memberarea.web.views.errors.forbidden"
handler404 = "memberarea.web.views.errors.not_found"
handler500 = "memberarea.core.views.server_error"
