from django.core.management.base import BaseCommand, CommandError, CommandParser

from staffdesk.requests.sla.rebuild import sla_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every request's SLA clocks from its timeline and store what differs. "
        "The stored fields are a cache, so on a healthy database nothing changes. "
        "With --check nothing is written and the exit code is 1 when something would change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Report only; exit 1 on drift.")

    def handle(self, *args: object, check: bool, **options: object) -> None:
        report = sla_rebuild(write=not check)
        verb = "would change" if check else "changed"
        self.stdout.write(
            f"sla-rebuild: {report.checked} requests checked, {len(report.changed)} {verb}"
        )
        for number in report.changed[:20]:
            self.stdout.write(f"  {number}")
        if check and report.changed:
            raise CommandError("stored SLA fields differ from the timeline", returncode=1)
