"""Release no-shows and expire waitlist offers (run every few minutes from cron or a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from technopark.core.scopes import scopes_disabled
from technopark.spaces.tasks import spaces_release_no_shows


class Command(BaseCommand):
    help = "Release bookings nobody checked in to, and expire waitlist offers nobody took up."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work on the task backend instead of doing it now.",
        )

    @scopes_disabled()  # a command spans parks; one park is an explicit park= filter
    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = spaces_release_no_shows.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        counts = spaces_release_no_shows.call()
        self.stdout.write(
            f"released {counts['released']}, offers expired {counts['offers_expired']}"
        )
