from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "memberarea.backoffice"
    label = "backoffice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from memberarea.identity.contacts import STAFF_CONTACT

        from .selectors import staff_contact

        STAFF_CONTACT.source = staff_contact
