"""Build the name index staff search by (BO-2) for memberships imported before it existed, or after
BLIND_INDEX_KEY changed. Safe to run again: each membership's tokens are replaced."""

from django.core.management.base import BaseCommand

from memberarea.enrollment.names import names_index_rebuild


class Command(BaseCommand):
    help = "Hash the names of every membership into the staff search index (BO-2)."

    def handle(self, *args, **options) -> None:
        count = names_index_rebuild()
        self.stdout.write(f"Indexed the names of {count} memberships.")
