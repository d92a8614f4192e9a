"""The demo commands refuse to run in production unless asked explicitly.

``seed_demo`` creates accounts (a platform administrator among them) with the public demo
password; ``generate_park`` fills a park with invented companies, applications and grants. On an
installation with ``TECHNOPARK_PRODUCTION=1`` either would be a hole or a mess, so both stop there
unless given ``--allow-in-production`` (a throw-away staging copy, say).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

FLAG = "--allow-in-production"


def add_production_flag(parser: CommandParser) -> None:
    parser.add_argument(
        FLAG,
        action="store_true",
        dest="allow_in_production",
        help="Run even with TECHNOPARK_PRODUCTION=1 (never on a real park's installation).",
    )


def refuse_in_production(command: str, *, allowed: bool, what: str) -> None:
    """Stop ``command`` with a clear message when production mode is on and it was not allowed."""
    if getattr(settings, "PRODUCTION", False) and not allowed:
        raise CommandError(
            f"{command} refused: this installation runs in production (TECHNOPARK_PRODUCTION=1), "
            f"and {command} {what}. Nothing was changed. If this really is a throw-away "
            f"installation, run it again with {FLAG}."
        )
