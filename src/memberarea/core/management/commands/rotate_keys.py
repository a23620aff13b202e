"""Re-encrypt every encrypted field under the first key of FIELD_ENCRYPTION_KEYS.

Batched (KEY_ROTATION_BATCH_SIZE rows per transaction, in primary-key order) and resumable: rows
already under the new key are skipped, so an interrupted run is simply started again (or resumed
after the last key it printed with --after). Each row is rewritten with a conditional update, so a
concurrent save is never overwritten. See docs/operations.md, "Rotating keys".
"""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from memberarea.core import crypto
from memberarea.core.fields import Sealed, encrypted_fields


def rotate_model(model, batch_size: int, after=None, progress=None) -> int:
    fields = encrypted_fields(model)
    manager = model._base_manager
    rotated, last = 0, after
    while True:
        page = manager.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.only("pk", *[f.name for f in fields])[:batch_size])
        if not rows:
            return rotated
        with transaction.atomic():
            for row in rows:
                changes, current = {}, {}
                for field in fields:
                    stored = row.__dict__.get(field.attname)
                    if isinstance(stored, Sealed) and not crypto.is_sealed_with_primary(stored.token):
                        plaintext = field.open(row, stored)
                        changes[field.attname] = field.seal(row, plaintext)
                        current[field.attname] = stored
                if changes:
                    rotated += manager.filter(pk=row.pk, **current).update(**changes)
        last = rows[-1].pk
        if progress:
            progress(model, last, rotated)


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields under the newest key (batched, resumable)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--model", help="only this model (app_label.ModelName)")
        parser.add_argument("--after", help="resume after this primary key (with --model)")
        parser.add_argument("--batch-size", type=int, default=settings.KEY_ROTATION_BATCH_SIZE)

    def handle(self, *args, model=None, after=None, batch_size=500, **options) -> None:
        models = [apps.get_model(model)] if model else [m for m in apps.get_models() if encrypted_fields(m)]

        def progress(current_model, last_pk, rotated) -> None:
            self.stdout.write(f"{current_model._meta.label}: up to {last_pk}, {rotated} rows re-encrypted")

        for current in models:
            count = rotate_model(current, batch_size, after if model else None, progress)
            self.stdout.write(f"{current._meta.label}: done, {count} rows re-encrypted")
