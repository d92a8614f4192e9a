"""``manage.py grants_report_reminders``: remind companies of milestone reports (daily)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from technopark.core.scopes import scopes_disabled
from technopark.grants.services.reminders import grants_report_reminders
from technopark.parks.models import Park


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: give an ISO date and time, not {value!r}.") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    help = (
        "Remind companies of grant milestone reports due within a week or overdue and not filed. "
        "Safe to run every day: each reminder goes once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--park", help="Only this park (its slug).")
        parser.add_argument(
            "--now", help="The moment to run as (ISO 8601, for tests and catch-up runs)."
        )

    @scopes_disabled()  # a command spans parks; one park is an explicit park= filter
    def handle(self, *args: Any, **options: Any) -> None:
        park = None
        if options["park"]:
            park = Park.objects.filter(slug=options["park"]).first()
            if park is None:
                raise CommandError(f"No park {options['park']!r}.")
        at = _moment(options["now"]) if options["now"] else None
        run = grants_report_reminders(at=at, park=park)
        self.stdout.write(
            self.style.SUCCESS(f"{run.milestones} milestones reminded, {run.notices} notices.")
        )
