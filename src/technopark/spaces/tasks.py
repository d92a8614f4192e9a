"""Background work of spaces: release no-shows and expire waitlist offers (run every few minutes,
e.g. from cron via ``manage.py spaces_release_no_shows`` or enqueued on the task backend), and
remind holders before their certificates lapse (run daily: ``manage.py
spaces_remind_certificates``)."""

from __future__ import annotations

from datetime import datetime

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


@task()
@scopes_disabled()  # every park's certificates
def spaces_certificate_reminders(*, now: str | None = None) -> int:
    """Remind holders whose certificates lapse within ``services.REMIND_DAYS_BEFORE`` days; once
    per lapse (running it again tells nobody twice). ``now``: an ISO 8601 moment with its UTC
    offset, for tests and catching up (without one: ``ValueError``); the current time when empty.
    Returns how many were reminded."""
    moment = datetime.fromisoformat(now) if now else None
    if moment is not None and moment.utcoffset() is None:
        raise ValueError("now needs its UTC offset, e.g. 2030-03-02T10:00:00+09:00")
    return services.certificate_lapse_reminders_send(now=moment)
