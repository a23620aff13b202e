"""Real SMTP server and SMS gateway on loopback, shared with the notification tests."""

from tests.notifications.conftest import sms_gateway, smtp_server  # noqa: F401  (fixtures)
