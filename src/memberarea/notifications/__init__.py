"""Messages to members: the outbox, email and SMS channels, templates, delivery by the worker."""
