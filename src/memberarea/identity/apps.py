from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "memberarea.identity"
    label = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import errors, jobs  # noqa: F401, PLC0415  (AppConfig.ready: needs the app registry; codes and jobs register on import)
