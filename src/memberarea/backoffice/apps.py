from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "memberarea.backoffice"
    label = "backoffice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from memberarea.identity.contacts import STAFF_CONTACT  # noqa: PLC0415  (AppConfig.ready: the module needs the app registry)

        from . import errors  # noqa: F401, PLC0415  (AppConfig.ready: the app's error codes register on import)
        from .selectors import staff_contact  # noqa: PLC0415  (AppConfig.ready: the module needs the app registry)

        STAFF_CONTACT.source = staff_contact
