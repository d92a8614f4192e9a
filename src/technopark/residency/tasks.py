"""Background work of residency: the quarterly report reminders (run daily)."""

from __future__ import annotations

from django_tasks import task

from technopark.core.scopes import scopes_disabled
from technopark.residency import reminders


@task()
@scopes_disabled()  # the reminders of every park
def report_reminders_send(*, base_url: str) -> int:
    """Send the report reminders due now in every park; return how many residents were reminded."""
    return reminders.send_report_reminders(base_url=base_url).reminders
