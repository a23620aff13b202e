"""The demo staff accounts printed by `make run`; every load resets them to the published passwords."""

from django.db import transaction

from memberarea.identity.models import Role
from memberarea.identity.services import account_create, account_find, account_password_reset_by_operator

DEMO_STAFF = [
    ("DEMO-ADMIN", "Demo2026admin", (Role.ADMINISTRATOR,)),
    ("DEMO-AGENT", "Demo2026agent", (Role.AGENT,)),
    ("DEMO-PRIVACY", "Demo2026privacy", (Role.PRIVACY_OFFICER,)),
    ("DEMO-SECURITY", "Demo2026security", (Role.SECURITY_OFFICER,)),
]


def demo_staff_load() -> list[tuple[str, str, str]]:
    """Create or reset each demo staff account; returns (username, password, roles) to print."""
    printed = []
    with transaction.atomic():
        for username, password, roles in DEMO_STAFF:
            account = account_find(username)
            if account is None:
                account_create(username=username, password=password, roles=roles)
            else:
                account_password_reset_by_operator(account=account, password=password)
            printed.append((username, password, ", ".join(str(role.label) for role in roles)))
    return printed
