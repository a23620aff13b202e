from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "memberarea.members"
    label = "members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import jobs  # noqa: F401, PLC0415  (AppConfig.ready: needs the app registry; periodic jobs register on import)
