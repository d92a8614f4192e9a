"""A pairing's sessions as an iCal file: one all-day event per session (a session is logged by
its day, not its hour), titled with the pair and carrying its topics. The notes are never put
in the file (a calendar is shared and synced beyond the pair's control)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from technopark.core.exports import plain_text
from technopark.network.models import MentoringSession, Pairing


def pairing_calendar(
    pairing: Pairing, sessions: Iterable[MentoringSession], *, host: str, now: datetime
) -> bytes:
    """``pairing.profile.user`` and ``pairing.company`` are loaded by the caller's query."""
    mentor = pairing.profile.user.full_name or pairing.profile.user.email
    title = _("Mentoring: %(mentor)s and %(company)s") % {
        "mentor": mentor,
        "company": pairing.company.short_name,
    }
    calendar = Calendar()
    calendar.add("prodid", "-//Technopark//Network//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", plain_text(title))
    for session in sessions:
        event = Event()
        event.add("uid", f"mentoring-session-{session.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", session.held_on)
        event.add("dtend", session.held_on + timedelta(days=1))
        event.add("summary", plain_text(title))
        details = [
            _("%(minutes)d minutes, %(format)s")
            % {"minutes": session.duration_minutes, "format": session.get_format_display()}
        ]
        if session.topics:
            details.append(_("Topics: %(topics)s") % {"topics": session.topics})
        event.add("description", plain_text("\n".join(details)))
        calendar.add_component(event)
    return calendar.to_ical()
