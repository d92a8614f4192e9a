"""``manage.py generate_park``: grow a park to national scale with bulk inserts (the benchmark).

Companies and, when an option asks for them, each part's bench data (see ``--help``). Every part
is idempotent: a second run tops up, never duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from technopark.core.scopes import scopes_disabled
from technopark.demo.bulk import generate_companies
from technopark.demo.engineering_generate import generate_engineering
from technopark.demo.grants_generate import generate_grants
from technopark.demo.guard import add_production_flag, refuse_in_production
from technopark.demo.programmes_generate import generate_programmes
from technopark.demo.residency_generate import generate_residents
from technopark.demo.selection_generate import generate_selection
from technopark.demo.spaces_generate import generate_spaces
from technopark.parks.models import Park


class Command(BaseCommand):
    help = (
        "Add generated data to a park for the benchmark: --companies (valid INN/OGRN, directions, "
        "search text) and, when an option asks for them, each part's bench data. Run seed_demo "
        "first for the park itself."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--park", default="yakutia", help="The park's slug (default yakutia).")
        parser.add_argument(
            "--companies", type=int, default=50_000, help="Companies the park should have."
        )
        parser.add_argument(
            "--applications", type=int, default=0, help="Applications to the bench call."
        )
        parser.add_argument("--experts", type=int, default=300, help="Experts of the bench call.")
        parser.add_argument("--reviews", type=int, default=4, help="Filed reviews per application.")
        parser.add_argument("--residents", type=int, default=0, help="Residents of the park.")
        parser.add_argument("--cohorts", type=int, default=0, help="Bench programme cohorts.")
        parser.add_argument("--cohort-size", type=int, default=20, help="Participants per cohort.")
        parser.add_argument("--awards", type=int, default=0, help="Grants the park should have.")
        parser.add_argument("--resources", type=int, default=0, help="Bookable resources.")
        parser.add_argument("--bookings", type=int, default=0, help="Bookings of those resources.")
        parser.add_argument(
            "--engineering-requests",
            type=int,
            default=0,
            help="Service requests of the engineering centre (every state, quotes, charges).",
        )
        parser.add_argument(
            "--time-entries",
            type=int,
            default=100_000,
            help="Engineers' time entries on those requests' work orders.",
        )
        add_production_flag(parser)

    @scopes_disabled()  # a command spans parks; one park is an explicit park= filter
    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production(
            "generate_park",
            allowed=options["allow_in_production"],
            what="would fill the park with invented companies, applications, grants and bookings",
        )
        park = Park.objects.filter(slug=options["park"]).first()
        if park is None:
            raise CommandError(f"No park {options['park']!r}: run seed_demo first.")

        def step(label: str, work: Callable[[], Any]) -> None:
            started = time.monotonic()
            result = work()
            self.stdout.write(
                self.style.SUCCESS(
                    f"{park.slug}: {label}: {result} in {time.monotonic() - started:.1f} s."
                )
            )

        def progress(added: int) -> None:
            if added % 10_000 == 0:
                self.stdout.write(f"  {added} companies added…")

        step(
            "companies added",
            lambda: generate_companies(park=park, total=options["companies"], progress=progress),
        )
        if options["applications"]:
            step(
                "selection",
                lambda: generate_selection(
                    park=park,
                    applications=options["applications"],
                    experts=options["experts"],
                    reviews_per_application=options["reviews"],
                ),
            )
        if options["residents"]:
            step(
                "residents added",
                lambda: generate_residents(park=park, total=options["residents"]),
            )
        if options["cohorts"]:
            step(
                "cohorts",
                lambda: len(
                    generate_programmes(
                        park=park, cohorts=options["cohorts"], per_cohort=options["cohort_size"]
                    )
                ),
            )
        if options["awards"]:
            try:
                step("grants added", lambda: generate_grants(park=park, awards=options["awards"]))
            except ValueError as error:
                raise CommandError(str(error)) from error
        if options["resources"]:
            step(
                "bookings added",
                lambda: generate_spaces(
                    park=park, resources=options["resources"], bookings=options["bookings"]
                ),
            )
        if options["engineering_requests"]:
            try:
                step(
                    "service requests added",
                    lambda: generate_engineering(
                        park=park,
                        requests=options["engineering_requests"],
                        time_entries=options["time_entries"],
                    ),
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
        # Planner statistics of every table, as they stand now: each step analyses what it
        # grew, but SQLite's ANALYZE of the companies step would otherwise leave the later
        # tables (bookings, awards, attendance) with the counts of an almost empty park, and
        # its planner then picks plans for ten rows (a scan of every award for the ledger).
        step("statistics gathered", _analyse)


def _analyse() -> str:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return "every table"
