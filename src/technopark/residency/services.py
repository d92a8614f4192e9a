"""Every write of the residency app: admission, status changes, quarterly reports, reminders.

Each decision on a resident (admit, suspend, reinstate, revoke, end) is appended to the audit
chain inside its transaction with the state before and after, and marks the park's pages stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.companies.models import Company, TeamMember
from technopark.core.fragments import writes
from technopark.core.localtime import local_today
from technopark.core.scopes import in_park
from technopark.notices.services import notify
from technopark.parks.models import Direction, Park, Site
from technopark.residency.models import (
    CURRENT_STATES,
    QuarterlyReport,
    ReportReview,
    ResidentState,
    ResidentStatus,
    StatusChange,
    period_of,
)
from technopark.residency.schedule import Quarter, has_ended

MONEY_FIELDS = ("revenue", "taxes_paid", "investment_raised", "rnd_spending", "exports")
COUNT_FIELDS = ("headcount", "ip_registered")
MAX_MONEY = Decimal("999999999999.99")
MAX_COUNT = 1_000_000
MAX_REASON = 2000


def _snapshot(resident: ResidentStatus) -> dict[str, Any]:
    return {
        "status": resident.status,
        "status_since": resident.status_since,
        "end_date": resident.end_date,
        "agreement_number": resident.agreement_number,
        "company_id": resident.company_id,
    }


def _clean_agreement_number(value: str) -> str:
    number = (value or "").strip()
    if not number:
        raise ValidationError({"agreement_number": _("Give the agreement's number.")})
    if len(number) > 60:
        raise ValidationError(
            {"agreement_number": _("An agreement number has at most 60 characters.")}
        )
    return number


@transaction.atomic
def resident_admit(
    *,
    park: Park,
    company: Company,
    actor: User,
    agreement_number: str,
    start_date: date,
    site: Site | None,
    directions: Iterable[Direction],
    application_id: int | None = None,
) -> ResidentStatus:
    """Grant ``company`` resident status in ``park`` under agreement ``agreement_number``.

    Refused when the company already is a current (active or suspended) resident of the park, or
    the agreement number is taken in the park; both are also held by database constraints, so a
    concurrent admission of the same company is refused too. Locking: the company row
    (``select_for_update``) while checking and creating. Runs inside the caller's transaction
    when there is one (the council's decision), audit-logged as ``residency.admit``.
    """
    directions = list(directions)
    if not in_park(park, company):
        raise ValidationError({"company": _("Choose a company of this park.")})
    if site is not None and not in_park(park, site):
        raise ValidationError({"site": _("Choose a site of this park.")})
    if not all(in_park(park, d) for d in directions):
        raise ValidationError({"directions": _("Choose directions of this park.")})
    if not isinstance(start_date, date):
        raise ValidationError({"start_date": _("Give the agreement's date.")})
    number = _clean_agreement_number(agreement_number)
    Company.all_parks.select_for_update().filter(park_id=company.park_id, pk=company.pk).first()
    if ResidentStatus.all_parks.filter(
        park=park, company=company, status__in=CURRENT_STATES
    ).exists():
        raise ValidationError({"company": _("This company is already a resident of the park.")})
    if ResidentStatus.all_parks.filter(park=park, agreement_number=number).exists():
        raise ValidationError(
            {"agreement_number": _("Another resident has an agreement with this number.")}
        )
    resident = ResidentStatus(
        park=park,
        company=company,
        agreement_number=number,
        start_date=start_date,
        site=site,
        status=ResidentState.ACTIVE,
        status_since=start_date,
        reports_from=Quarter.of(start_date).period,
        application_id=application_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as error:  # the same company or number admitted at the same moment
        raise ValidationError(
            {"company": _("This company is already a resident of the park.")}
        ) from error
    resident.directions.set(directions)
    StatusChange.objects.create(
        resident=resident,
        from_status="",
        to_status=ResidentState.ACTIVE,
        reason=_("Admitted under agreement %(number)s.") % {"number": number},
        effective_on=start_date,
        decided_by=resident.created_by,
    )
    audit_record(
        park=park,
        actor=actor,
        action="residency.admit",
        target=resident,
        summary=f"{company.short_name}: {number}",
        before=None,
        after={
            **_snapshot(resident),
            "start_date": start_date,
            "site_id": resident.site_id,
            "direction_ids": sorted(d.pk for d in directions),
            "application_id": application_id,
        },
    )
    writes("residency", park_id=park.pk)
    return resident


# The transitions staff may decide: action → (states it starts from, state it leads to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "suspend": ((ResidentState.ACTIVE,), ResidentState.SUSPENDED),
    "reinstate": ((ResidentState.SUSPENDED,), ResidentState.ACTIVE),
    "revoke": ((ResidentState.ACTIVE, ResidentState.SUSPENDED), ResidentState.REVOKED),
    "end": ((ResidentState.ACTIVE, ResidentState.SUSPENDED), ResidentState.ENDED),
}
REASON_REQUIRED = frozenset({"suspend", "revoke"})


def _refusal(action: str, status: str) -> str:
    messages = {
        "suspend": _("Only an active resident can be suspended."),
        "reinstate": _("Only a suspended resident can be reinstated."),
        "revoke": _("This resident's status has already been revoked or ended."),
        "end": _("This resident's status has already been revoked or ended."),
    }
    return messages[action]


@transaction.atomic
def _change_status(
    *,
    resident: ResidentStatus,
    actor: User,
    action: str,
    reason: str,
    effective_on: date | None,
) -> StatusChange:
    """Move a resident along one of ``TRANSITIONS``. Locks the resident's row."""
    starts, target = TRANSITIONS[action]
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": _("A reason has at most %(n)d characters.") % {"n": MAX_REASON}}
        )
    locked = (
        ResidentStatus.all_parks.select_for_update()
        .select_related("park", "company")
        .get(pk=resident.pk)
    )
    if locked.status not in starts:
        raise ValidationError({"status": _refusal(action, locked.status)})
    today = local_today(locked.park.time_zone)
    on = effective_on or today
    if on < locked.start_date:
        raise ValidationError(
            {"effective_on": _("The date cannot be before the agreement's date.")}
        )
    if on > today:
        raise ValidationError({"effective_on": _("The date cannot be in the future.")})
    before = _snapshot(locked)
    change = StatusChange.objects.create(
        resident=locked,
        from_status=locked.status,
        to_status=target,
        reason=reason,
        effective_on=on,
        decided_by=actor if getattr(actor, "pk", None) else None,
    )
    locked.status = target
    locked.status_since = on
    if target in (ResidentState.REVOKED, ResidentState.ENDED):
        locked.end_date = on
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "status_since", "end_date", "updated_at"])
    except IntegrityError as error:  # reinstated while the company was admitted again
        raise ValidationError(
            {"status": _("This company is already a resident of the park again.")}
        ) from error
    audit_record(
        park=locked.park,
        actor=actor,
        action=f"residency.{action}",
        target=locked,
        summary=f"{locked.company.short_name}: {before['status']} → {target}",
        before=before,
        after={**_snapshot(locked), "reason": reason},
    )
    writes("residency", park_id=locked.park_id)
    for name in ("status", "status_since", "end_date"):
        setattr(resident, name, getattr(locked, name))
    return change


def resident_suspend(
    *, resident: ResidentStatus, actor: User, reason: str, effective_on: date | None = None
) -> StatusChange:
    """Suspend an active resident (a breach, missed reports); the reason is required and kept."""
    return _change_status(
        resident=resident, actor=actor, action="suspend", reason=reason, effective_on=effective_on
    )


def resident_reinstate(
    *, resident: ResidentStatus, actor: User, reason: str = "", effective_on: date | None = None
) -> StatusChange:
    """Make a suspended resident active again."""
    return _change_status(
        resident=resident,
        actor=actor,
        action="reinstate",
        reason=reason,
        effective_on=effective_on,
    )


def resident_revoke(
    *, resident: ResidentStatus, actor: User, reason: str, effective_on: date | None = None
) -> StatusChange:
    """Revoke the status of an active or suspended resident; the reason is required and kept."""
    return _change_status(
        resident=resident, actor=actor, action="revoke", reason=reason, effective_on=effective_on
    )


def resident_end(
    *, resident: ResidentStatus, actor: User, reason: str = "", effective_on: date | None = None
) -> StatusChange:
    """End the residency (the agreement expired or was ended by agreement)."""
    return _change_status(
        resident=resident, actor=actor, action="end", reason=reason, effective_on=effective_on
    )


def resident_change(
    *,
    resident: ResidentStatus,
    actor: User,
    action: str,
    reason: str = "",
    effective_on: date | None = None,
) -> StatusChange:
    """One of ``TRANSITIONS`` by its name (the staff page's and the API's single entry)."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": _("Unknown action.")})
    return _change_status(
        resident=resident, actor=actor, action=action, reason=reason, effective_on=effective_on
    )


def _clean_figures(figures: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name in MONEY_FIELDS:
        value = figures.get(name)
        try:
            amount = Decimal(str(value)) if value is not None and value != "" else None
        except ArithmeticError:
            amount = None
        if amount is None or not amount.is_finite():
            errors[name] = _("Give an amount in roubles, 0 if none.")
        elif amount < 0:
            errors[name] = _("An amount cannot be negative.")
        elif amount > MAX_MONEY:
            errors[name] = _("This amount is too large.")
        elif amount != amount.quantize(Decimal("0.01")):
            errors[name] = _("Give the amount to the kopeck at most (two decimal places).")
        else:
            clean[name] = amount.quantize(Decimal("0.01"))
    for name in COUNT_FIELDS:
        value = figures.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = _("Give a whole number, 0 if none.")
        elif value < 0:
            errors[name] = _("A number cannot be negative.")
        elif value > MAX_COUNT:
            errors[name] = _("This number is too large.")
        else:
            clean[name] = value
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def report_file(
    *,
    resident: ResidentStatus,
    actor: User | None,
    year: int,
    quarter: int,
    revenue: Decimal,
    taxes_paid: Decimal,
    investment_raised: Decimal,
    rnd_spending: Decimal,
    exports: Decimal,
    headcount: int,
    ip_registered: int,
    ip_note: str = "",
    now: datetime | None = None,
) -> QuarterlyReport:
    """File the resident's report for ``year``/``quarter``: a quarter that has ended (in the
    park's time zone), from the residency's first quarter on, not filed yet. ``actor`` is the
    person filing it (None: entered by the platform, as the demo's history is).

    Late reports are accepted (they clear the overdue flag). A report is filed once; the unique
    constraint refuses a concurrent second one. A report staff returned is filed again with the
    corrected figures (the same row, waiting for review again). Locking: the resident's row, so that the report is
    not filed for a status being revoked at the same moment. Audit-logged as
    ``residency.report_file`` with its figures.
    """
    locked = (
        ResidentStatus.all_parks.select_for_update()
        .select_related("park", "company")
        .get(pk=resident.pk)
    )
    if locked.status not in CURRENT_STATES:
        raise ValidationError(_("The company is no longer a resident: reports are not taken."))
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1, 2, 3 or 4.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    period = Quarter(year, quarter)
    tz = locked.park.time_zone
    if not has_ended(period, tz, now):
        raise ValidationError(
            {
                "quarter": _("%(quarter)s has not ended yet: report once it has.")
                % {"quarter": period}
            }
        )
    if period.period < locked.reports_from:
        raise ValidationError(
            {"quarter": _("%(quarter)s is before the residency began.") % {"quarter": period}}
        )
    note = (ip_note or "").strip()
    if len(note) > 5000:
        raise ValidationError({"ip_note": _("The details have at most 5000 characters.")})
    figures = _clean_figures(
        {
            "revenue": revenue,
            "taxes_paid": taxes_paid,
            "investment_raised": investment_raised,
            "rnd_spending": rnd_spending,
            "exports": exports,
            "headcount": headcount,
            "ip_registered": ip_registered,
        }
    )
    taken = _("The report for %(quarter)s has already been filed.") % {"quarter": period}
    earlier = (
        QuarterlyReport.all_parks.select_for_update()
        .filter(company_id=locked.company_id, year=year, quarter=quarter)
        .first()
    )
    if earlier is not None:
        if earlier.review != ReportReview.RETURNED:
            raise ValidationError({"quarter": taken})
        return _refile(earlier, locked, actor, figures, note, now)
    report = QuarterlyReport(
        park_id=locked.park_id,
        resident=locked,
        company_id=locked.company_id,
        year=year,
        quarter=quarter,
        period=period_of(year, quarter),
        ip_note=note,
        submitted_at=now or timezone.now(),
        submitted_by=actor if getattr(actor, "pk", None) else None,
        **figures,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        raise ValidationError({"quarter": taken}) from error
    audit_record(
        park=locked.park,
        actor=report.submitted_by,
        action="residency.report_file",
        target=report,
        summary=f"{locked.company}: {period}",
        after={
            "resident_id": locked.pk,
            "company_id": locked.company_id,
            "year": year,
            "quarter": quarter,
            "submitted_at": report.submitted_at,
            **figures,
            "ip_note": note,
        },
    )
    writes("residency", park_id=locked.park_id)
    return report


def _figures_of(report: QuarterlyReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in (*MONEY_FIELDS, *COUNT_FIELDS, "ip_note")}


def _refile(
    report: QuarterlyReport,
    resident: ResidentStatus,
    actor: User | None,
    figures: dict[str, Any],
    note: str,
    now: datetime | None,
) -> QuarterlyReport:
    """File the corrected figures of a report staff returned: the same row, reviewed afresh."""
    before = {**_figures_of(report), "review_note": report.review_note}
    for name, value in figures.items():
        setattr(report, name, value)
    report.ip_note = note
    report.submitted_at = now or timezone.now()
    report.submitted_by = actor if getattr(actor, "pk", None) else None
    report.review = ReportReview.FILED
    report.reviewed_at = None
    report.reviewed_by = None
    report.save()
    audit_record(
        park=resident.park,
        actor=report.submitted_by,
        action="residency.report_refile",
        target=report,
        summary=f"{resident.company}: {Quarter(report.year, report.quarter)}",
        before=before,
        after={**figures, "ip_note": note, "submitted_at": report.submitted_at},
    )
    writes("residency", park_id=resident.park_id)
    return report


@transaction.atomic
def report_review(
    *,
    report: QuarterlyReport,
    actor: User,
    accept: bool,
    note: str = "",
    now: datetime | None = None,
) -> QuarterlyReport:
    """Accept a filed report, or return it to the resident for correction with ``note`` (a
    returned report needs one: it tells the founder what to correct). Only a report waiting for
    review can be reviewed; a second reviewer at the same moment waits on the row's lock and is
    then refused. Audit-logged as ``residency.report_accept`` or ``residency.report_return``."""
    locked = (
        QuarterlyReport.all_parks.select_for_update()
        .select_related("park", "company")
        .get(pk=report.pk)
    )
    period = Quarter(locked.year, locked.quarter)
    if locked.review == ReportReview.ACCEPTED:
        raise ValidationError(
            _("The report for %(quarter)s has already been accepted.") % {"quarter": period}
        )
    if locked.review == ReportReview.RETURNED:
        raise ValidationError(
            _("The report for %(quarter)s was returned and has not been corrected yet.")
            % {"quarter": period}
        )
    text = (note or "").strip()
    if len(text) > MAX_REASON:
        raise ValidationError(
            {"note": _("The note has at most %(limit)d characters.") % {"limit": MAX_REASON}}
        )
    if not accept and not text:
        raise ValidationError({"note": _("Say what the resident should correct.")})
    locked.review = ReportReview.ACCEPTED if accept else ReportReview.RETURNED
    locked.review_note = text
    locked.reviewed_at = now or timezone.now()
    locked.reviewed_by = actor
    locked.save(update_fields=["review", "review_note", "reviewed_at", "reviewed_by"])
    audit_record(
        park=locked.park,
        actor=actor,
        action="residency.report_accept" if accept else "residency.report_return",
        target=locked,
        summary=f"{locked.company}: {period}",
        before={"review": ReportReview.FILED},
        after={"review": locked.review, "review_note": text, "reviewed_at": locked.reviewed_at},
    )
    writes("residency", park_id=locked.park_id)
    if not accept:
        _notify_returned(locked)
    return locked


def _notify_returned(report: QuarterlyReport) -> None:
    """Tell the people who act for the company that their report waits for a correction: in
    their inbox and by e-mail (on commit), in the park's language."""
    from technopark.residency.reminders import park_language

    recipients = [
        member.user
        for member in TeamMember.objects.filter(
            company_id=report.company_id, acts_for_company=True, user__is_active=True
        ).select_related("user")
    ]
    if not recipients:
        return
    park = report.park
    language = park_language(park)
    # Each person in their own language, else the park's (notices.notify).
    notify(
        recipients=recipients,
        park=park,
        kind="residency.report_returned",
        template="residency/email/report_returned",
        context={
            "company": report.company.short_name,
            # Shown in each reader's language when the notice is written.
            "quarter": Quarter(report.year, report.quarter),
            "park": park.display_name,
            "note": report.review_note,
        },
        time_zone=park.time_zone,
        url=reverse(
            "residency:report_file",
            kwargs={"park_slug": park.slug, "company_pk": report.company_id},
        )
        + f"?period={report.period}",
        # A report can be returned more than once: each return is a new step to act on.
        key=f"residency-report:{report.pk}:returned:{report.reviewed_at:%Y%m%d%H%M%S%f}",
        language=language,
    )


def report_reminder_record(
    *, resident: ResidentStatus, period: int, kind: str, recipients: int
) -> bool:
    """Note that the ``kind`` reminder for ``period`` went to the resident; False when it had
    already been noted (two runs at once: the unique constraint decides which one sends)."""
    from technopark.residency.models import ReportReminder

    try:
        with transaction.atomic():
            ReportReminder.all_parks.create(
                park_id=resident.park_id,
                resident=resident,
                period=period,
                kind=kind,
                recipients=recipients,
            )
    except IntegrityError:
        return False
    return True
