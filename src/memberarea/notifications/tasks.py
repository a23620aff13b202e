"""The delivery task. It carries the message id only: content and address stay in the outbox row."""

import uuid

from django_tasks import task

from .delivery import message_deliver
from .integration_delivery import integration_message_deliver


@task()
def message_deliver_task(message_id: str) -> str:
    """A task's arguments are JSON, so the id comes as text: it becomes a UUID here, once."""
    return message_deliver(uuid.UUID(message_id))


@task()
def integration_message_deliver_task(message_id: str) -> str:
    return integration_message_deliver(uuid.UUID(message_id))
