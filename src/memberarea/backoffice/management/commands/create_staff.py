"""Create a staff account with roles. The password is read from standard input, never an argument."""

import sys

from django.core.management.base import BaseCommand, CommandError

from memberarea.backoffice.services import staff_create
from memberarea.core.errors import MemberAreaError
from memberarea.identity.models import Role
from memberarea.identity.services import account_find


class Command(BaseCommand):
    help = "Create a staff account: create_staff USERNAME --email WORK-EMAIL --role administrator < password-file"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", action="append", choices=Role.values, required=True)
        parser.add_argument("--email", required=True, help="work email: the sign-in codes go there (BO-1)")
        parser.add_argument("--name", default="", help="the name colleagues see")

    def handle(self, *args, username: str, role: list[str], email: str, name: str, **options) -> None:
        if account_find(username):
            raise CommandError("an account with that username exists")
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < 12:
            raise CommandError("give a password of at least 12 characters on standard input")
        try:
            account, _ = staff_create(
                username=username, email=email, roles=role, display_name=name, password=password, actor_id="system"
            )
        except MemberAreaError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"staff account {account.pk} created with roles {', '.join(role)}")
