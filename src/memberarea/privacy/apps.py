from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    name = "memberarea.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from memberarea.identity.sign_in import SIGNED_IN  # noqa: PLC0415  (AppConfig.ready: the hook below)
        from memberarea.members.access import STAFF_ACCESSED  # noqa: PLC0415  (AppConfig.ready: the hook below)

        from . import errors, jobs  # noqa: F401, PLC0415  (AppConfig.ready: registers the error codes and periodic jobs)
        from .checks import partners_check  # noqa: PLC0415  (AppConfig.ready: the check reads a model field)
        from .disclosures import staff_access_disclose  # noqa: PLC0415  (models need the app registry)
        from .notices import notice_in_force_at_sign_in  # noqa: PLC0415  (models need the app registry)

        checks.register(partners_check)  # a malformed PRIVACY_PARTNERS stops start-up (decision 0049)
        post_migrate.connect(_documents_ensure, sender=self)
        if notice_in_force_at_sign_in not in SIGNED_IN:
            SIGNED_IN.append(notice_in_force_at_sign_in)  # every sign-in records the notice in force (PRIV-1)
        if staff_access_disclose not in STAFF_ACCESSED:
            STAFF_ACCESSED.append(staff_access_disclose)  # every staff access is a disclosure the member sees (PRIV-9)


def _documents_ensure(**_kwargs) -> None:
    """After migrate (and a test database's flush): there is always a version of each document."""
    from .documents import documents_ensure  # noqa: PLC0415  (models need the app registry)

    documents_ensure()
