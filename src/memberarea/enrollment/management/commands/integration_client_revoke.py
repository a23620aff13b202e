"""Revoke an integration client's token: its next request answers 401."""

from django.core.management.base import BaseCommand, CommandError

from memberarea.core.errors import MemberAreaError
from memberarea.enrollment.services import integration_client_revoke


class Command(BaseCommand):
    help = "Revoke an integration client (its token stops working at once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")

    def handle(self, *args, name: str, **options) -> None:
        try:
            client = integration_client_revoke(name=name)
        except MemberAreaError:
            raise CommandError(f"no integration client named {name!r}") from None
        self.stdout.write(f"Integration client {client.name} is revoked.")
