"""Quarterly report reminders: once the quarter has ended ("before": the report is due by the 5th
day) and once it is overdue ("after"). Each kind goes once per resident and quarter, to the team
members who act for the company; the sent reminders are noted (``ReportReminder``), so running
the job every day (or twice) never sends one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from technopark.companies.models import TeamMember
from technopark.core.localtime import zone_name
from technopark.core.mail import subject_line
from technopark.parks.models import Park
from technopark.residency import services
from technopark.residency.models import (
    CURRENT_STATES,
    QuarterlyReport,
    ReminderKind,
    ReportReminder,
    ResidentStatus,
)
from technopark.residency.schedule import current_quarter, is_overdue


@dataclass(frozen=True)
class ReminderRun:
    parks: int = 0
    reminders: int = 0
    emails: int = 0


def park_language(park: Park) -> str:
    """The language a park writes to its residents in: its first language, else the default."""
    first = (park.languages or "").split(",")[0].strip()
    codes = {code for code, _name in settings.LANGUAGES}
    return first if first in codes else settings.LANGUAGE_CODE


def send_report_reminders(
    *, base_url: str, now: datetime | None = None, park: Park | None = None
) -> ReminderRun:
    """Send the reminders that are due now in every park (or in ``park``). Cross-park: reads
    with ``all_parks`` on purpose (a scheduled job, not a page)."""
    now = now or timezone.now()
    parks = [park] if park is not None else list(Park.objects.all())
    reminders = emails = 0
    for each in parks:
        sent = _remind_park(each, base_url=base_url, now=now)
        reminders += sent[0]
        emails += sent[1]
    return ReminderRun(parks=len(parks), reminders=reminders, emails=emails)


def _remind_park(park: Park, *, base_url: str, now: datetime) -> tuple[int, int]:
    tz = park.time_zone
    quarter = current_quarter(tz, now)
    kind = ReminderKind.AFTER if is_overdue(quarter, tz, now) else ReminderKind.BEFORE
    residents = list(
        ResidentStatus.all_parks.filter(
            park=park, status__in=CURRENT_STATES, reports_from__lte=quarter.period
        )
        .exclude(
            Exists(QuarterlyReport.all_parks.filter(resident=OuterRef("pk"), period=quarter.period))
        )
        .exclude(
            Exists(
                ReportReminder.all_parks.filter(
                    resident=OuterRef("pk"), period=quarter.period, kind=kind
                )
            )
        )
        .select_related("company")
        .order_by("pk")
    )
    if not residents:
        return 0, 0
    addresses: dict[int, list[str]] = {}
    for company_id, email in TeamMember.objects.filter(
        company_id__in=[r.company_id for r in residents],
        acts_for_company=True,
        user__is_active=True,
    ).values_list("company_id", "user__email"):
        addresses.setdefault(company_id, []).append(email)
    path = reverse("residency:my_reports", kwargs={"park_slug": park.slug})
    messages = []
    reminders = 0
    with translation.override(park_language(park)), timezone.override(tz):
        for resident in residents:
            recipients = sorted(addresses.get(resident.company_id, []))
            if not services.report_reminder_record(
                resident=resident, period=quarter.period, kind=kind, recipients=len(recipients)
            ):
                continue
            reminders += 1
            if not recipients:
                continue
            context = {
                "company": resident.company.short_name,
                "quarter": str(quarter),
                "due_date": date_format(quarter.due_date, "DATE_FORMAT"),
                "time_zone": zone_name(tz),
                "overdue": kind == ReminderKind.AFTER,
                "url": base_url.rstrip("/") + path,
                "park_name": park.display_name,
            }
            subject = subject_line(
                render_to_string("residency/email/reminder_subject.txt", context),
                park_name=park.display_name,
            )
            body = render_to_string("residency/email/reminder_message.txt", context)
            messages.append((subject, body, None, recipients))
    if messages:
        send_mass_mail(tuple(messages), fail_silently=False)
    return reminders, len(messages)
