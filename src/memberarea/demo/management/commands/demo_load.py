"""Load (or refresh) the demo data. Refuses to run unless DEMO_MODE is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from memberarea.demo.analytics import demo_page_views_load
from memberarea.demo.disclosures import demo_disclosures_load
from memberarea.demo.enrollment import CARMEN_DOCUMENT, DEMO_MEMBER_PASSWORD, demo_members_load
from memberarea.demo.privacy import demo_privacy_load
from memberarea.demo.staff import demo_staff_load


class Command(BaseCommand):
    help = "Load or refresh the fictional demo data (demo mode only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo_load only runs with DEMO_MODE on: it publishes known passwords")
        self.stdout.write("  Demo staff sign-in (username / password — role):")
        for username, password, roles in demo_staff_load():
            self.stdout.write(f"    {username:<14} / {password:<17} — {roles}")
        members = demo_members_load()
        self.stdout.write("")
        self.stdout.write("  Demo members (dates of birth as of today; they move with every load):")
        self.stdout.write(f"    {'name':<22} {'member no.':<11} {'policy no.':<11} {'born':<10}  demonstrates")
        for m in members:
            self.stdout.write(
                f"    {m.name:<22} {m.member_number:<11} {m.policy_number:<11} "
                f"{m.date_of_birth.isoformat():<10}  {m.demonstrates}"
            )
        self.stdout.write(f"  Carmen Vidal Pons already has an account ({CARMEN_DOCUMENT} / {DEMO_MEMBER_PASSWORD}).")
        demo_privacy_load()
        demo_disclosures_load()
        self.stdout.write(
            f"  Lucía Ferrer Navas has an account too (51234567C / {DEMO_MEMBER_PASSWORD}): she opted in to offers by"
            " email and to sharing with partners a month ago, and is asked to read the privacy notice's version 2"
            " (in force for five days). DEMO-AGENT opened her record three days ago: Privacy centre > Who saw or"
            " received your data. DEMO-PRIVACY can export her for the demo partner: Back office > Partner exports."
        )
        if demo_page_views_load():
            self.stdout.write(
                "  Page views of the last 30 days loaded: Back office > Page views (DEMO-PRIVACY, DEMO-ADMIN)."
            )
