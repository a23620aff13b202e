from django.urls import include, path

from memberarea.api.router import api
from memberarea.web.views import language, pages, registration, security, sessions

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
    path("sign-out/", sessions.sign_out, name="sign-out"),
    path("security/not-me/", security.not_me, name="not-me"),
    path("security/not-me/<str:token>/", security.not_me_link, name="not-me-link"),
    path("api/v1/", api.urls),
    path("", include("memberarea.notifications.urls")),  # /dev/outbox, demo mode only
]

handler404 = "memberarea.web.views.errors.not_found"
handler500 = "memberarea.core.views.server_error"
