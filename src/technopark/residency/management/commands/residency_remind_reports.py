"""``manage.py residency_remind_reports``: remind residents of their quarterly reports (daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from technopark.core.scopes import scopes_disabled
from technopark.parks.models import Park
from technopark.residency import reminders, tasks


class Command(BaseCommand):
    help = (
        "Remind resident companies of the current quarterly report: once after the quarter ends "
        "(due by the 5th day) and once when it is overdue. Safe to run every day: each reminder "
        "goes once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://localhost:8000",
            help="The site's address for the links in the e-mails.",
        )
        parser.add_argument("--park", help="Only this park (its slug).")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for the task worker instead of doing it now.",
        )

    @scopes_disabled()  # a command spans parks; one park is an explicit park= filter
    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            if options["park"]:
                raise CommandError("--enqueue runs for every park; leave out --park.")
            result = tasks.report_reminders_send.enqueue(base_url=options["base_url"])
            self.stdout.write(f"Queued: {result.id}")
            return
        park = None
        if options["park"]:
            park = Park.objects.filter(slug=options["park"]).first()
            if park is None:
                raise CommandError(f"No park {options['park']!r}.")
        run = reminders.send_report_reminders(base_url=options["base_url"], park=park)
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.reminders} residents reminded, {run.emails} e-mails sent "
                f"({run.parks} parks)."
            )
        )
