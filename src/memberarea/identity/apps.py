from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "memberarea.identity"
    label = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import errors, jobs  # noqa: F401  (error codes and periodic jobs register on import)
