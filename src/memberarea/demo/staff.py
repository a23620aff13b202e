"""The demo staff accounts printed by `make run`; every load resets them to the published passwords."""

from django.db import transaction

from memberarea.backoffice.services import staff_create, staff_email_set
from memberarea.identity.models import Role
from memberarea.identity.services import account_find, account_password_reset_by_operator

DEMO_STAFF = [
    ("DEMO-ADMIN", "Demo2026admin", (Role.ADMINISTRATOR,)),
    ("DEMO-AGENT", "Demo2026agent", (Role.AGENT,)),
    ("DEMO-PRIVACY", "Demo2026privacy", (Role.PRIVACY_OFFICER,)),
    ("DEMO-SECURITY", "Demo2026security", (Role.SECURITY_OFFICER,)),
    ("DEMO-MARKETING", "Demo2026marketing", (Role.MARKETING,)),
]


def demo_staff_email(username: str) -> str:
    """Where a demo employee's sign-in codes go (the development outbox shows them)."""
    return f"{username.lower()}@example.invalid"


def demo_staff_load() -> list[tuple[str, str, str]]:
    """Create or reset each demo staff account; returns (username, password, roles) to print."""
    printed = []
    with transaction.atomic():
        for username, password, roles in DEMO_STAFF:
            account = account_find(username)
            if account is None:
                staff_create(
                    username=username,
                    email=demo_staff_email(username),
                    roles=roles,
                    password=password,
                    actor_id="system",
                )
            else:
                account_password_reset_by_operator(account=account, password=password)
                staff_email_set(account=account, email=demo_staff_email(username), actor_id="system")
            printed.append((username, password, ", ".join(str(role.label) for role in roles)))
    return printed
