"""Load (or refresh) the demo data. Refuses to run unless DEMO_MODE is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from memberarea.demo.staff import demo_staff_load


class Command(BaseCommand):
    help = "Load or refresh the fictional demo data (demo mode only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo_load only runs with DEMO_MODE on: it publishes known passwords")
        self.stdout.write("  Demo staff sign-in (username / password — role):")
        for username, password, roles in demo_staff_load():
            self.stdout.write(f"    {username:<14} / {password:<17} — {roles}")
