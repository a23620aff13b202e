"""The outbox rows `message_enqueue` wrote (decrypted through the model)."""

from memberarea.notifications.models import Message


class Sent:
    def __init__(self, message: Message) -> None:
        self.to = message.to
        self.template = message.template
        self.language = message.language
        self.subject = message.subject
        self.text = message.body_text
        self.html = message.body_html
        self.next_attempt_at = message.next_attempt_at
        self.subject_id = message.subject_id


def outbox(template_prefix: str = "welcome") -> list[Sent]:
    messages = Message.objects.filter(template__startswith=template_prefix).order_by("created_at", "id")
    return [Sent(m) for m in messages]
