"""System checks of the privacy settings, run by `manage.py check`, `migrate`, `runserver` and `worker`
(so a deploy, which migrates, stops on them): a malformed setting is found at start-up, never in the
middle of a page.

- privacy.E001 … E007: PRIVACY_PARTNERS (decision 0049; the ids are listed in docs/privacy.md).
"""

from django.conf import settings
from django.core import checks

from .partners import partners_problems


def partners_check(app_configs=None, **_kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(message, hint="See the PRIVACY_PARTNERS row in docs/privacy.md.", id=check_id)
        for check_id, message in partners_problems(settings.PRIVACY_PARTNERS)
    ]
