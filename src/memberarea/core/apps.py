from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "memberarea.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import datamap_framework, jobs  # noqa: F401, PLC0415  (AppConfig.ready: needs the app registry; declarations and periodic jobs register on import)
