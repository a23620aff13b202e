"""Send the `test_message` template to an address, so operators can check a channel end to end."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from memberarea.notifications.delivery import message_deliver
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue


class Command(BaseCommand):
    help = "Queue a test message to an email address or mobile number and try to deliver it at once."

    def add_arguments(self, parser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--email", metavar="ADDRESS")
        target.add_argument("--sms", metavar="NUMBER", help="in E.164 form, e.g. +34600000000")
        parser.add_argument("--language", choices=[code for code, _ in settings.LANGUAGES], default="es")
        parser.add_argument(
            "--queue-only", action="store_true", help="leave delivery to the worker instead of trying now"
        )

    def handle(self, *args, email=None, sms=None, language="es", queue_only=False, **options) -> None:
        channel, to = (Channel.EMAIL, email) if email else (Channel.SMS, sms)
        try:
            with transaction.atomic():
                message = message_enqueue(
                    channel=channel, to=to, template="test_message", language=language, context={}
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"queued {channel} message {message.pk} (reference {message.reference})")
        if queue_only:
            return
        outcome = message_deliver(message.pk)
        if outcome == "sent":
            self.stdout.write(self.style.SUCCESS("sent: the provider accepted it"))
        else:
            self.stdout.write(self.style.WARNING(f"not sent yet ({outcome}); the worker retries it"))
