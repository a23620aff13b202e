from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    name = "memberarea.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import errors, jobs  # noqa: F401, PLC0415  (AppConfig.ready: registers the app's error codes and job)

        post_migrate.connect(_documents_ensure, sender=self)


def _documents_ensure(**_kwargs) -> None:
    """After migrate (and a test database's flush): there is always a version of each document."""
    from .documents import documents_ensure  # noqa: PLC0415  (models need the app registry)

    documents_ensure()
