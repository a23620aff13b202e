"""Create an integration client for POST /api/v1/enrollment/batches and print its token, once."""

from django.core.management.base import BaseCommand, CommandError

from memberarea.core.errors import MemberAreaError
from memberarea.enrollment.services import integration_client_create


class Command(BaseCommand):
    help = "Create an integration client and print its bearer token (shown only this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="a unique name, e.g. core-insurance-system")

    def handle(self, *args, name: str, **options) -> None:
        try:
            client, token = integration_client_create(name=name)
        except MemberAreaError:
            raise CommandError(f"a client named {name!r} already exists (or the name is empty)") from None
        self.stderr.write(f"Integration client {client.name} created. Its token is shown only now; store it safely:")
        self.stdout.write(token)
