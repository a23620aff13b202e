"""Every staff access recorded before the disclosure service existed becomes a disclosure (PRIV-9, BO-4).

The table below is frozen here on purpose: a migration must not follow later changes to
`privacy.disclosures`. The role is the one the employee holds now that allows the access's purpose
(the past role was not recorded); an employee without it any more shows as "an employee".
"""

from django.db import migrations

PURPOSE_DATA = {
    "record": ("member_service", ["activity", "contact", "insurance", "name", "national_id"]),
    "assist": ("member_service", ["contact", "name", "national_id"]),
    "unlock": ("security", ["activity", "online_identifier"]),
    "freeze": ("security", ["activity", "online_identifier"]),
    "deliveries": ("member_service", ["activity", "contact"]),
}
PURPOSE_ROLES = {
    "record": {"agent", "privacy_officer", "security_officer"},
    "assist": {"agent"},
    "unlock": {"agent", "security_officer"},
    "freeze": {"security_officer"},
    "deliveries": {"agent", "security_officer"},
}
REASON_BASIS = {"rights_request": ("legal_obligation", "legal_obligation"), "security_case": ("legitimate_interest", "security")}


def backfill(apps, schema_editor):
    StaffAccess = apps.get_model("members", "StaffAccess")
    StaffRole = apps.get_model("identity", "StaffRole")
    Disclosure = apps.get_model("privacy", "Disclosure")
    for access in StaffAccess.objects.select_related("membership").filter(disclosure__isnull=True).iterator():
        purpose, categories = PURPOSE_DATA.get(access.purpose, ("member_service", ["insurance"]))
        basis, purpose = REASON_BASIS.get(access.reason, ("contract", purpose))
        held = set(StaffRole.objects.filter(account_id=access.staff_id).values_list("role", flat=True))
        roles = sorted(held & PURPOSE_ROLES.get(access.purpose, set()))
        Disclosure.objects.create(
            person_id=access.membership.person_id,
            membership_id=access.membership_id,
            recipient=roles[0] if roles else "",
            recipient_kind="staff",
            purpose=purpose,
            categories=categories,
            legal_basis=basis,
            reference=access.ticket,
            role=roles[0] if roles else "",
            reason=access.reason,
            staff_access_id=access.pk,
            at=access.at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0007_disclosures"),
        ("members", "0001_staff_access"),
        ("identity", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
