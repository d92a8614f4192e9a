"""``manage.py seed_demo``: load the demo parks and print the accounts to sign in with."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from technopark.core.scopes import scopes_disabled
from technopark.demo import data
from technopark.demo.guard import add_production_flag, refuse_in_production
from technopark.demo.seed import accounts_table, format_table, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo parks (Technopark Yakutia with about 200 companies, Technopark Magadan) "
        "and one account per role. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_production_flag(parser)

    @scopes_disabled()  # a command spans parks; one park is an explicit park= filter
    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production(
            "seed_demo",
            allowed=options["allow_in_production"],
            what=(
                "would create demo accounts, a platform administrator among them, that sign in "
                "with the public demo password"
            ),
        )
        # The demo's applications, decisions and reports would mail their notices: to nobody real,
        # and the console backend would print them all over the accounts table.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            result = seed_demo()
        made = ", ".join(f"{kind}: {n}" for kind, n in sorted(result.created.items()))
        self.stdout.write(
            self.style.SUCCESS(f"Demo parks ready ({'new ' + made if made else 'nothing new'}).")
        )
        self.stdout.write("")
        self.stdout.write(
            format_table(("e-mail", "password", "role", "park"), accounts_table(result))
        )
        self.stdout.write("")
        self.stdout.write(f"Every demo account signs in with the password {data.DEMO_PASSWORD!r}.")
        if settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF:
            self.stdout.write(
                self.style.WARNING(
                    "Two-factor sign-in is required for staff (TECHNOPARK_MFA_REQUIRED_FOR_STAFF "
                    "is on): the admin and manager accounts must set it up at first sign-in."
                )
            )
        else:
            self.stdout.write(
                "Two-factor sign-in for staff is off in the demo "
                "(settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF; on in production)."
            )
