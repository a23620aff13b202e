"""Verify the audit chain (BO-5): names every changed, deleted or cut entry; exit status 1 if any."""

from django.core.management.base import BaseCommand, CommandError

from memberarea.core.audit import audit_verify
from memberarea.core.models import AuditCut, AuditEntry


class Command(BaseCommand):
    help = "Verify the HMAC chain of the audit log and report changed, deleted and truncated entries."

    def handle(self, *args, **options) -> None:
        findings = list(audit_verify())
        for finding in findings:
            self.stdout.write(str(finding))
        if findings:
            raise CommandError(f"audit log: {len(findings)} problem(s) found")
        self.stdout.write(f"audit log intact: {AuditEntry.objects.count()} entries verified{_since_checkpoint()}")


def _since_checkpoint() -> str:
    """Where the walk began when the retention job has removed the oldest entries (an intact chain:
    the newest checkpoint is the genuine one audit_verify started from)."""
    newest = AuditCut.objects.order_by("-seq").first()
    if newest is None:
        return ""
    removed = sum(AuditCut.objects.values_list("removed", flat=True))
    return (
        f", from the retention checkpoint after entry {newest.seq}"
        f" ({removed} older entries removed by retention, the last on {newest.cut_at.date().isoformat()})"
    )
