from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "memberarea.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (the sweep registers with the worker on import)
