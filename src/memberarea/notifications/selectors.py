"""Reading the outbox for staff and operators: states, codes and ids — never content or address."""

from django.db.models import Count, QuerySet

from .models import DevOutboxEntry, IntegrationMessage, IntegrationState, Message, State

STATUS_FIELDS = (
    "id", "channel", "kind", "template", "state", "attempts", "last_error_code",
    "subject_id", "created_at", "sent_at", "next_attempt_at",
)  # fmt: skip


def messages_failed() -> QuerySet[Message]:
    """Messages that gave up (after the last attempt, or refused by the provider), newest first."""
    return Message.objects.filter(state=State.FAILED).only(*STATUS_FIELDS).order_by("-created_at")


def messages_for_subject(subject_id: str) -> QuerySet[Message]:
    """Delivery status of the messages about one account or member (BO-1), newest first."""
    return Message.objects.filter(subject_id=subject_id).only(*STATUS_FIELDS).order_by("-created_at")


def message_state_counts() -> dict[str, int]:
    counts = dict.fromkeys(State.values, 0)
    for row in Message.objects.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def dev_outbox_entries(*, limit: int = 200) -> list[DevOutboxEntry]:
    """The development outbox, newest first (demo mode only: the views check)."""
    return list(DevOutboxEntry.objects.order_by("-delivered_at", "-id")[:limit])


INTEGRATION_STATUS_FIELDS = ("id", "topic", "reference", "state", "attempts", "last_error_code", "created_at")


def integration_messages_failed() -> QuerySet[IntegrationMessage]:
    """Messages to the core system that gave up, newest first: state only, never the payload."""
    return (
        IntegrationMessage.objects.filter(state=IntegrationState.FAILED)
        .only(*INTEGRATION_STATUS_FIELDS)
        .order_by("-created_at")
    )


def integration_messages_held() -> int:
    """Messages waiting because no core system is configured (CORE_SYSTEM_URL is empty)."""
    return IntegrationMessage.objects.filter(state=IntegrationState.HELD).count()


def dev_integration_messages(*, limit: int = 200) -> list[IntegrationMessage]:
    """Every message to the core system with its payload, newest first (demo mode only: the views check)."""
    return list(IntegrationMessage.objects.order_by("-created_at", "-id")[:limit])
