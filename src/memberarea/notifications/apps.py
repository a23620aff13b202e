from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "memberarea.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import jobs  # noqa: F401, PLC0415  (AppConfig.ready: needs the app registry; the sweep registers on import)
