"""Remind holders before their certificates lapse (run daily from cron or a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from technopark.core.scopes import scopes_disabled
from technopark.spaces.tasks import spaces_certificate_reminders


class Command(BaseCommand):
    help = "Remind the holders of certificates that lapse within a week (once per lapse)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work on the task backend instead of doing it now.",
        )

    @scopes_disabled()  # a command spans parks
    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = spaces_certificate_reminders.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        self.stdout.write(f"reminded {spaces_certificate_reminders.call()}")
