"""Counts of outbox messages per state, and the failed ones (ids and codes only, never content)."""

from django.core.management.base import BaseCommand

from memberarea.notifications.selectors import message_state_counts, messages_failed


class Command(BaseCommand):
    help = "Show how many messages are in each state and list the failed ones."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=50, help="failed messages to list (newest first)")

    def handle(self, *args, limit=50, **options) -> None:
        for state, count in message_state_counts().items():
            self.stdout.write(f"{state:<8} {count}")
        failed = list(messages_failed()[:limit])
        if not failed:
            return
        self.stdout.write("")
        self.stdout.write("failed messages (newest first):")
        self.stdout.write(f"{'id':<36}  {'channel':<7}  {'attempts':>8}  {'last_error_code':<24}  subject_id")
        for message in failed:
            self.stdout.write(
                f"{message.pk!s:<36}  {message.channel:<7}  {message.attempts:>8}  "
                f"{message.last_error_code:<24}  {message.subject_id}"
            )
