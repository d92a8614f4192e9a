"""Background work of spaces: release no-shows and expire waitlist offers (run every few minutes,
e.g. from cron via ``manage.py spaces_release_no_shows`` or enqueued on the task backend)."""

from __future__ import annotations

from django_tasks import task

from technopark.core.scopes import scopes_disabled
from technopark.spaces import services


@task()
@scopes_disabled()  # every park's bookings and offers
def spaces_release_no_shows() -> dict[str, int]:
    """Release confirmed bookings nobody checked in to, and expire offers nobody took up; the
    freed time goes to the next in line on the waitlist."""
    return {
        "released": services.bookings_release_no_shows(),
        "offers_expired": services.offers_expire(),
    }
