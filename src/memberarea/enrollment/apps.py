from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "memberarea.enrollment"
    label = "enrollment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import errors  # noqa: F401, PLC0415  (AppConfig.ready: the app's error codes register on import)
