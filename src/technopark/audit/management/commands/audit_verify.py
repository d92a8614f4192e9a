from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from technopark.audit.services import audit_verify
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

    @scopes_disabled()  # a command spans parks; one park is an explicit park= filter
    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify(
            directory=options["checkpoint_dir"], checkpoints=options["checkpoint"]
        )
        if not result.ok:
            for problem in result.problems[1:20]:
                self.stderr.write(f"  also: {problem}")
            raise CommandError(f"Audit chain broken: {result.problem} ({result.checked} verified).")
        self.stdout.write(
            f"Audit chain intact: {result.checked} entries verified in {result.chains} chains, "
            f"{result.checkpoints} checkpoints checked, {result.money_rows} money rows reconciled."
        )
