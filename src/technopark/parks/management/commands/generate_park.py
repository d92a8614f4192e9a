"""``manage.py generate_park``: grow a park to many companies with bulk inserts (the benchmark)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from technopark.demo.bulk import generate_companies
from technopark.parks.models import Park


class Command(BaseCommand):
    help = (
        "Add generated companies (valid INN/OGRN, directions, search text) to a park until it has "
        "--companies of them. For benchmarks; run seed_demo first for the park itself."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--park", default="yakutia", help="The park's slug (default yakutia).")
        parser.add_argument(
            "--companies", type=int, default=50_000, help="Companies the park should have."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        park = Park.objects.filter(slug=options["park"]).first()
        if park is None:
            raise CommandError(f"No park {options['park']!r}: run seed_demo first.")
        started = time.monotonic()

        def progress(added: int) -> None:
            if added % 10_000 == 0:
                self.stdout.write(f"  {added} companies added…")

        added = generate_companies(park=park, total=options["companies"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{park.slug}: {added} companies added in {time.monotonic() - started:.1f} s "
                f"({park.companies.count()} in all)."
            )
        )
