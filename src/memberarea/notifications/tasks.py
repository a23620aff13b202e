"""The delivery task. It carries the message id only: content and address stay in the outbox row."""

from django_tasks import task

from .delivery import message_deliver


@task()
def message_deliver_task(message_id: str) -> str:
    return message_deliver(message_id)
