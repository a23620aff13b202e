"""The delivery task. It carries the message id only: content and address stay in the outbox row."""

import uuid

from django_tasks import task

from .delivery import message_deliver
from .integration_delivery import integration_message_deliver


@task()
def message_deliver_task(message_id: str) -> str:
    """A task's arguments are JSON, so the id comes as text: it becomes a UUID here, once. Having sent
    its message, the task drains the channel's other due messages in batches."""
    return message_deliver(uuid.UUID(message_id), follow_up=lambda left: message_deliver_task.enqueue(str(left)))


@task()
def integration_message_deliver_task(message_id: str) -> str:
    return integration_message_deliver(uuid.UUID(message_id))
