"""``manage.py audit_checkpoint``: sign the audit chains' heads into a dated file outside the
database and e-mail it (run daily: cron, a systemd timer, or ``--enqueue`` for the worker)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from technopark.audit.services import CheckpointRefused, checkpoint_write
from technopark.audit.tasks import audit_checkpoint_write
from technopark.core.scopes import scopes_disabled


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of every audit chain's head (sequence and hash) into "
        "TECHNOPARK_AUDIT_CHECKPOINT_DIR and e-mail it to TECHNOPARK_AUDIT_CHECKPOINT_EMAILS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, help="Write here instead of the configured place.")
        parser.add_argument("--no-email", action="store_true", help="Write the file only.")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for the task worker instead of doing it now.",
        )

    @scopes_disabled()  # a command spans parks
    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            if options["dir"] or options["no_email"]:
                raise CommandError("--enqueue uses the configured directory and addresses.")
            result = audit_checkpoint_write.enqueue()
            self.stdout.write(f"Queued: {result.id}")
            return
        try:
            checkpoint = checkpoint_write(directory=options["dir"], email=not options["no_email"])
        except CheckpointRefused as error:
            raise CommandError(f"No checkpoint written: {error}") from error
        mailed = (
            f", e-mailed to {', '.join(checkpoint.emailed_to)}" if checkpoint.emailed_to else ""
        )
        self.stdout.write(
            f"Checkpoint of {len(checkpoint.chains)} chains written to {checkpoint.path}{mailed}."
        )
