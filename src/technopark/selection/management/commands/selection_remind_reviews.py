"""``manage.py selection_remind_reviews [--park SLUG] [--base-url URL] [--queue]``: remind experts
of their overdue reviews (one mail per expert, once a day at most)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from technopark.core.scopes import scopes_disabled
from technopark.parks.models import Park
from technopark.selection.tasks.review import remind_overdue_reviews, reviews_remind


class Command(BaseCommand):
    help = "Remind experts of their overdue reviews."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--park", help="Only this park (its slug).")
        parser.add_argument("--base-url", default="", help="The site's address, for the link.")
        parser.add_argument(
            "--queue", action="store_true", help="Queue the work for the task worker."
        )

    @scopes_disabled()  # a command spans parks; one park is an explicit park= filter
    def handle(self, *args: Any, **options: Any) -> None:
        park_id = None
        if options["park"]:
            park = Park.objects.filter(slug=options["park"]).first()
            if park is None:
                raise CommandError(f"No park {options['park']!r}.")
            park_id = park.pk
        if options["queue"]:
            reviews_remind.enqueue(park_id=park_id, base_url=options["base_url"])
            self.stdout.write("Queued.")
            return
        count = remind_overdue_reviews(park_id=park_id, base_url=options["base_url"])
        self.stdout.write(f"Reminded {count} expert(s).")
