"""``manage.py network_expire_introductions``: introduction requests left unanswered past their
``expires_at`` become «expired», and their requesters are told (daily)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from technopark.core.scopes import scopes_disabled
from technopark.network.services.intros import intros_expire
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
        "Mark «expired» the introduction requests left unanswered past their expiry, and tell "
        "the requesters. Safe to run every day, or twice: an expired request is left alone."
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
        now = _moment(options["now"]) if options["now"] else timezone.now()
        expired = intros_expire(now=now, park=park)
        self.stdout.write(self.style.SUCCESS(f"{expired} introduction requests expired."))
