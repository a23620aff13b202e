from django.urls import include, path

from memberarea.api.router import api
from memberarea.web.views import language, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("help/", pages.help_index, name="help-index"),
    path("help/<slug:topic>/", pages.help_topic, name="help-topic"),
    path("language/", language.language_switch, name="language-switch"),
    path("api/v1/", api.urls),
    path("", include("memberarea.notifications.urls")),  # /dev/outbox, demo mode only
]

handler404 = "memberarea.web.views.errors.not_found"
handler500 = "memberarea.core.views.server_error"
