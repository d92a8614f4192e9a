from argparse import ArgumentTypeError
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from technopark.audit.services import audit_verify
from technopark.audit.services.verify import CHECKPOINT_MAX_AGE
from technopark.core.scopes import scopes_disabled


class Command(BaseCommand):
    help = (
        "Verify every audit chain (each entry's HMAC under the key it names), every signed "
        "checkpoint, and reconcile the money with the chain; fail naming the first entry or row "
        "that was changed or removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            type=Path,
            help="Also check this checkpoint file (one kept elsewhere, e.g. the copy e-mailed to "
            "the ministry); may be given several times.",
        )
        parser.add_argument(
            "--checkpoint-dir",
            type=Path,
            help="Check the checkpoints of this directory instead of "
            "TECHNOPARK_AUDIT_CHECKPOINT_DIR.",
        )

        parser.add_argument(
            "--max-checkpoint-age",
            type=_hours,
            metavar="HOURS",
            help="Fail when the chains hold entries and no checkpoint with a valid signature is "
            "younger than this (without it, an absent or more than 48 hours old checkpoint is "
            "only a warning).",
        )

    @scopes_disabled()  # a command spans parks; one park is an explicit park= filter
    def handle(self, *args: Any, **options: Any) -> None:
        required = options["max_checkpoint_age"]
        result = audit_verify(
            directory=options["checkpoint_dir"],
            checkpoints=options["checkpoint"],
            max_checkpoint_age=required or CHECKPOINT_MAX_AGE,
        )
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        if not result.ok:
            for problem in result.problems[1:20]:
                self.stderr.write(f"  also: {problem}")
            raise CommandError(f"Audit chain broken: {result.problem} ({result.checked} verified).")
        if required is not None and result.checkpoint_stale:
            raise CommandError(f"No recent checkpoint: {result.warnings[0]}")
        self.stdout.write(
            f"Audit chain intact: {result.checked} entries verified in {result.chains} chains, "
            f"{result.checkpoints} checkpoints checked, {result.money_rows} money rows reconciled."
        )


def _hours(text: str) -> timedelta:
    try:
        hours = int(text)
    except ValueError:
        hours = 0
    if not 1 <= hours <= 100_000:
        raise ArgumentTypeError("give a whole number of hours from 1 to 100000")
    return timedelta(hours=hours)
