"""Work orders: opening one when a request goes into work, its tasks, the engineers' time, the
instruments used (bookings of spaces linked with their operator) and the quantities delivered;
and ``delivered_quantities``, what the charge is built from.

Who: the people who work on the request (``_common.staff_side``: the park's managers and admins,
the engineers assigned to it). When: time, instrument use and deliveries are written only while
the request is «in work» (a delivered request the company sends back is in work again).

Locking: every write locks the request row first (``_common.lock_request``), and checks the
request's state under that lock; linking a booking takes no lock on it (the one-to-one
constraint refuses a second link, turned into the same refusal as the check). One running timer
per engineer is held by the database (``engineering_time_one_running``); the check before the
insert gives the clear message, the constraint the certainty.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from technopark.core.localtime import to_local
from technopark.core.scopes import in_park
from technopark.engineering import queries
from technopark.engineering.models import (
    Delivery,
    InstrumentUse,
    LineKind,
    Quote,
    QuoteLine,
    QuoteStatus,
    RequestState,
    ServiceRequest,
    TaskState,
    TimeEntry,
    Unit,
    WorkOrder,
    WorkTask,
)
from technopark.engineering.services._common import (
    lock_request,
    park_day,
    refuse_unless,
    staff_side,
    touched,
)
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, access_for, is_staff
from technopark.spaces import services as spaces_services
from technopark.spaces.models import Booking, BookingStatus, Resource, ResourceType

#: the longest duration one time entry may log (a day)
MAX_MINUTES = 24 * 60
#: the most a delivered quantity may be (the quote line's own bound)
MAX_QUANTITY = Decimal("99999999.99")
TITLE_MAX = 200
NOTE_MAX = 300
HUNDREDTH = Decimal("0.01")
#: bookings that count as used time of an instrument
USED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
#: bookings that may be linked to a work order
LINKABLE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
INSTRUMENT_TYPES = (ResourceType.LAB, ResourceType.ENGINEERING)


# --- opening ---------------------------------------------------------------------------------


def add_working_days(day: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``day``."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def approved_quote(request: ServiceRequest) -> Quote | None:
    """The request's approved quote (the latest approved version). One query."""
    return (
        Quote.all_parks.filter(request=request, status=QuoteStatus.APPROVED)
        .order_by("-version")
        .first()
    )


def due_date(*, request: ServiceRequest, quote: Quote, now: datetime) -> date:
    """The request's desired date when it has one; otherwise the longest lead time of the
    quote's services, in working days from the park's day of ``now``."""
    if request.desired_on is not None:
        return request.desired_on
    lead = (
        QuoteLine.all_parks.filter(quote=quote, service__isnull=False)
        .order_by("-service__lead_time_days")
        .values_list("service__lead_time_days", flat=True)
        .first()
    )
    return add_working_days(park_day(request.park, now), lead or 0)


def work_order_open(*, request: ServiceRequest, actor: Any, now: datetime) -> WorkOrder:
    """Open the request's work order against its approved quote (or return the one it has:
    a request sent back into work keeps its order). Called by ``apply_transition`` inside the
    transaction that locked the request and moved it into work."""
    found = WorkOrder.all_parks.filter(request=request).first()
    if found is not None:
        return found
    quote = approved_quote(request)
    if quote is None:
        raise ValidationError(
            {"to_state": _("The request has no approved quote to work to.")}, code="no_quote"
        )
    return WorkOrder.all_parks.create(
        park_id=request.park_id,
        request=request,
        quote=quote,
        due_on=due_date(request=request, quote=quote, now=now),
        created_by=actor,
        created_at=now,
    )


def work_order_leave(*, request: ServiceRequest, now: datetime) -> int:
    """Stop every running timer of the request's work order at ``now`` (at least a minute
    each): work is recorded only while the request is in work, so a timer left running would be
    stuck. Called by ``apply_transition`` when the request leaves «in work», inside the
    transaction that locked the request. The number of timers stopped."""
    running = list(
        TimeEntry.all_parks.select_for_update().filter(
            work_order__request=request, ended_at__isnull=True
        )
    )
    for entry in running:
        _finish(entry, now)
    if running:
        touched(request.park_id)
    return len(running)


def _finish(entry: TimeEntry, now: datetime) -> None:
    """Stop a running entry at ``now``: the minutes are the span, rounded, at least one."""
    seconds = max(0.0, (now - entry.started_at).total_seconds())
    minutes = max(1, int((Decimal(str(seconds)) / 60).quantize(Decimal(1), ROUND_HALF_UP)))
    entry.minutes = min(minutes, MAX_MINUTES)
    entry.ended_at = entry.started_at + timedelta(minutes=entry.minutes)
    entry.save(update_fields=["minutes", "ended_at"])


# --- checks shared by the writes ---------------------------------------------------------------


def _locked_in_work(access: ParkAccess, work_order: WorkOrder) -> ServiceRequest:
    """The work order's request, locked; refused unless the person works on it and it is in
    work. Call inside a transaction."""
    refuse_unless(in_park(access, work_order))
    request = lock_request(work_order.request)
    refuse_unless(staff_side(access, request))
    if request.state != RequestState.IN_WORK:
        raise ValidationError(
            _("Work is recorded only while the request is in work."), code="not_in_work"
        )
    return request


def _hour_line(work_order: WorkOrder, line: QuoteLine | None) -> QuoteLine | None:
    """``line`` when it is an hourly line of the work order's quote; refused otherwise."""
    if line is None:
        return None
    if line.quote_id != work_order.quote_id or line.unit != Unit.HOUR:
        raise ValidationError(
            {"quote_line": _("Choose a line of the approved quote counted in hours.")},
            code="not_hourly",
        )
    return line


def _task_of(work_order: WorkOrder, task: WorkTask | None) -> WorkTask | None:
    if task is not None and task.work_order_id != work_order.pk:
        raise ValidationError({"task": _("Choose a task of this work order.")})
    return task


def _clean_note(note: str) -> str:
    text = " ".join((note or "").split())
    if len(text) > NOTE_MAX:
        raise ValidationError({"note": _("Keep the note under 300 characters.")})
    return text


# --- tasks -----------------------------------------------------------------------------------


def _assignable(request: ServiceRequest, engineer: Any) -> Any:
    if engineer is not None and not request.engineers.filter(pk=engineer.pk).exists():
        raise ValidationError({"engineer": _("Choose an engineer assigned to the request.")})
    return engineer


def task_add(
    *,
    access: ParkAccess,
    work_order: WorkOrder,
    title: str,
    engineer: Any = None,
    quote_line: QuoteLine | None = None,
    now: datetime,
) -> WorkTask:
    """Add a task, for an engineer assigned to the request when one is named, for a line of
    the approved quote when one is named. By the people who work on the request, while the
    request is in work. Locking: the request row."""
    text = " ".join((title or "").split())
    if not text:
        raise ValidationError({"title": _("Name the task.")})
    if len(text) > TITLE_MAX:
        raise ValidationError({"title": _("Keep the title under 200 characters.")})
    if quote_line is not None and quote_line.quote_id != work_order.quote_id:
        raise ValidationError({"quote_line": _("Choose a line of the approved quote.")})
    with transaction.atomic():
        request = _locked_in_work(access, work_order)
        _assignable(request, engineer)
        position = WorkTask.all_parks.filter(work_order=work_order).count()
        task = WorkTask.all_parks.create(
            park_id=work_order.park_id,
            work_order=work_order,
            title=text,
            engineer=engineer,
            quote_line=quote_line,
            position=min(position, 32767),
        )
        touched(work_order.park_id)
    return task


def task_update(
    *,
    access: ParkAccess,
    task: WorkTask,
    state: str,
    engineer: Any = None,
    now: datetime,
) -> WorkTask:
    """Assign a task (``engineer``: one assigned to the request, or nobody) and set its state;
    a task that becomes done notes when (``done_at``), one that is reopened forgets it."""
    if state not in TaskState.values:
        raise ValidationError({"state": _("Choose a state of the task.")})
    with transaction.atomic():
        request = _locked_in_work(access, task.work_order)
        _assignable(request, engineer)
        locked = WorkTask.all_parks.select_for_update().get(pk=task.pk)
        if state == TaskState.DONE and locked.state != TaskState.DONE:
            locked.done_at = now
        elif state != TaskState.DONE:
            locked.done_at = None
        locked.state = state
        locked.engineer = engineer
        locked.save(update_fields=["state", "engineer", "done_at"])
        touched(task.park_id)
    return locked


# --- time ------------------------------------------------------------------------------------


def running_timer(*, user: Any) -> TimeEntry | None:
    """The person's running timer, in any work order of any park (at most one: one running
    timer per engineer overall). Its ``park`` tells the page whether it is this park's. One
    query."""
    return (
        TimeEntry.all_parks.filter(engineer=user, ended_at__isnull=True)
        .select_related("work_order__request", "park")
        .first()
    )


def _running_refusal(running: TimeEntry) -> ValidationError:
    return ValidationError(
        {
            "started_at": _(
                "Your timer is already running on «%(request)s»: stop it before you start another."
            )
            % {"request": running.work_order.request.title}
        },
        code="timer_running",
    )


def time_start(
    *,
    access: ParkAccess,
    work_order: WorkOrder,
    task: WorkTask | None = None,
    quote_line: QuoteLine | None = None,
    note: str = "",
    now: datetime,
) -> TimeEntry:
    """Start the person's timer on the work order. Refused while another of theirs runs."""
    text = _clean_note(note)
    _task_of(work_order, task)
    _hour_line(work_order, quote_line)
    with transaction.atomic():
        _locked_in_work(access, work_order)
        running = running_timer(user=access.user)
        if running is not None:
            raise _running_refusal(running)
        try:
            with transaction.atomic():
                entry = TimeEntry.all_parks.create(
                    park_id=work_order.park_id,
                    work_order=work_order,
                    task=task,
                    quote_line=quote_line,
                    engineer=access.user,
                    started_at=now,
                    note=text,
                    created_at=now,
                )
        except IntegrityError:
            # another request of the same person started one between the check and the insert
            raise ValidationError(
                {"started_at": _("Your timer is already running: stop it first.")},
                code="timer_running",
            ) from None
        touched(work_order.park_id)
    return entry


def _own_or_staff(access: ParkAccess, entry: TimeEntry) -> None:
    refuse_unless(
        access.is_authenticated and (entry.engineer_id == access.user.pk or is_staff(access))
    )


def time_stop(*, access: ParkAccess, entry: TimeEntry, now: datetime) -> TimeEntry:
    """Stop a running timer: the minutes are the span, rounded, at least one. The engineer may
    stop their own running timer whatever the request's state (so none is ever stuck); anyone
    else's only while the request is in work."""
    with transaction.atomic():
        refuse_unless(in_park(access, entry.work_order))
        request = lock_request(entry.work_order.request)
        own = access.is_authenticated and entry.engineer_id == access.user.pk
        if not own or request.state == RequestState.IN_WORK:
            _locked_in_work(access, entry.work_order)
            _own_or_staff(access, entry)
        locked = TimeEntry.all_parks.select_for_update().get(pk=entry.pk)
        if locked.ended_at is not None:
            raise ValidationError(_("This timer is already stopped."), code="stopped")
        _finish(locked, now)
        touched(entry.park_id)
    return locked


def _check_span(started_at: datetime, minutes: int, now: datetime) -> None:
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(
            {
                "minutes": _("Log between 1 and %(most)d minutes in one entry.")
                % {"most": MAX_MINUTES}
            }
        )
    if started_at > now:
        raise ValidationError({"started_at": _("Time cannot be logged ahead.")})
    if started_at + timedelta(minutes=minutes) > now:
        raise ValidationError(
            {"started_at": _("This time ends in the future: log only time already spent.")},
            code="future",
        )


def _check_overlap(
    *, engineer: Any, started_at: datetime, minutes: int, now: datetime, exclude: int | None = None
) -> None:
    """Refuse a span that overlaps another entry of the same engineer, finished or running (a
    running one spans up to ``now``). Call under the request lock."""
    ends_at = started_at + timedelta(minutes=minutes)
    others = TimeEntry.all_parks.filter(engineer=engineer, started_at__lt=ends_at).exclude(
        pk=exclude
    )
    clash = others.filter(ended_at__gt=started_at).exists() or (
        now > started_at and others.filter(ended_at__isnull=True).exists()
    )
    if clash:
        raise ValidationError(
            {
                "started_at": _(
                    "This time overlaps another entry of yours: check the start and the minutes."
                )
            },
            code="overlap",
        )


def time_log(
    *,
    access: ParkAccess,
    work_order: WorkOrder,
    started_at: datetime,
    minutes: int,
    task: WorkTask | None = None,
    quote_line: QuoteLine | None = None,
    note: str = "",
    now: datetime,
) -> TimeEntry:
    """Log a finished span: from ``started_at``, ``minutes`` long (1 to a day), not ahead."""
    _check_span(started_at, minutes, now)
    text = _clean_note(note)
    _task_of(work_order, task)
    _hour_line(work_order, quote_line)
    with transaction.atomic():
        _locked_in_work(access, work_order)
        _check_overlap(engineer=access.user, started_at=started_at, minutes=minutes, now=now)
        entry = TimeEntry.all_parks.create(
            park_id=work_order.park_id,
            work_order=work_order,
            task=task,
            quote_line=quote_line,
            engineer=access.user,
            started_at=started_at,
            ended_at=started_at + timedelta(minutes=minutes),
            minutes=minutes,
            note=text,
            created_at=now,
        )
        touched(work_order.park_id)
    return entry


def time_update(
    *,
    access: ParkAccess,
    entry: TimeEntry,
    started_at: datetime,
    minutes: int,
    task: WorkTask | None = None,
    quote_line: QuoteLine | None = None,
    note: str = "",
    now: datetime,
) -> TimeEntry:
    """Correct a finished entry of one's own (managers and admins: anyone's) while in work."""
    if entry.ended_at is None:
        raise ValidationError({"minutes": _("Stop the timer before you correct it.")})
    _check_span(started_at, minutes, now)
    text = _clean_note(note)
    work_order = entry.work_order
    _task_of(work_order, task)
    _hour_line(work_order, quote_line)
    with transaction.atomic():
        _locked_in_work(access, work_order)
        _own_or_staff(access, entry)
        locked = TimeEntry.all_parks.select_for_update().get(pk=entry.pk)
        _check_overlap(
            engineer=locked.engineer,
            started_at=started_at,
            minutes=minutes,
            now=now,
            exclude=locked.pk,
        )
        locked.started_at = started_at
        locked.minutes = minutes
        locked.ended_at = started_at + timedelta(minutes=minutes)
        locked.task = task
        locked.quote_line = quote_line
        locked.note = text
        locked.save(
            update_fields=["started_at", "minutes", "ended_at", "task", "quote_line", "note"]
        )
        touched(entry.park_id)
    return locked


def time_delete(*, access: ParkAccess, entry: TimeEntry, now: datetime) -> None:
    """Delete an entry of one's own (managers and admins: anyone's) while in work."""
    with transaction.atomic():
        _locked_in_work(access, entry.work_order)
        _own_or_staff(access, entry)
        TimeEntry.all_parks.filter(pk=entry.pk).delete()
        touched(entry.park_id)


# --- instruments -----------------------------------------------------------------------------


def is_instrument(resource: Resource) -> bool:
    """An instrument: laboratory or engineering equipment, or anything that needs a certificate."""
    return resource.requires_certification or resource.resource_type in INSTRUMENT_TYPES


def _check_operator(request: ServiceRequest, operator: Any) -> None:
    if operator is None or operator.pk not in set(queries.staff_ids(park=request.park)):
        raise ValidationError({"operator": _("Choose an engineer or a staff member of this park.")})


def _qualification_refusal(
    *, operator: Any, resource: Resource, starts_at: datetime, ends_at: datetime
) -> None:
    """The spaces certification rule (``spaces.services.certificate_refusal``), asked for the
    operator at the booking's time: a certificate whose fixed date covers the booking's last
    day and that had not lapsed for want of use when the booking starts."""
    if not resource.requires_certification:
        return
    last_day = to_local(ends_at, spaces_services.zone_of(resource.site)).date()
    why = spaces_services.certificate_refusal(
        user=operator, resource=resource, on=last_day, now=starts_at
    )
    if why is not None:
        raise ValidationError(
            {
                "operator": _("%(person)s may not operate it. %(why)s")
                % {"person": operator.full_name or operator.email, "why": why}
            },
            code="certificate",
        )


def instrument_use_link(
    *,
    access: ParkAccess,
    work_order: WorkOrder,
    booking: Booking,
    operator: Any,
    quote_line: QuoteLine | None = None,
    now: datetime,
) -> InstrumentUse:
    """Link a booking of an instrument to the work order with its operator.

    Refused unless the booking is of this park, of an instrument, neither cancelled nor ended
    otherwise, for the request's company (or the park's own), not linked already; and the
    operator is of the park's staff and, where the instrument needs a certificate, held a valid
    one at the booking's time. ``quote_line``: an hourly line of the approved quote."""
    if not in_park(work_order.park, booking):
        raise ValidationError({"booking": _("No such booking in this park.")})
    _hour_line(work_order, quote_line)
    resource = booking.resource
    if not is_instrument(resource):
        raise ValidationError({"booking": _("Choose a booking of an instrument.")})
    if booking.status not in LINKABLE_STATUSES:
        raise ValidationError(
            {"booking": _("This booking is %(status)s.") % {"status": booking.get_status_display()}}
        )
    if booking.company_id not in (None, work_order.request.company_id):
        raise ValidationError({"booking": _("This booking is another company's.")})
    with transaction.atomic():
        request = _locked_in_work(access, work_order)
        _check_operator(request, operator)
        _qualification_refusal(
            operator=operator,
            resource=resource,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
        )
        if InstrumentUse.all_parks.filter(booking=booking).exists():
            raise ValidationError({"booking": _("This booking is linked to a work order already.")})
        try:
            with transaction.atomic():
                use = InstrumentUse.all_parks.create(
                    park_id=work_order.park_id,
                    work_order=work_order,
                    booking=booking,
                    operator=operator,
                    quote_line=quote_line,
                    created_at=now,
                )
        except IntegrityError:
            raise ValidationError(
                {"booking": _("This booking is linked to a work order already.")}
            ) from None
        touched(work_order.park_id)
    return use


def work_booking_create(
    *,
    access: ParkAccess,
    work_order: WorkOrder,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    operator: Any,
    quote_line: QuoteLine | None = None,
    now: datetime,
) -> InstrumentUse:
    """Book an instrument for the work order and link the booking, in one transaction.

    The centre books its own instrument: the booking is made through the spaces booking service
    (``spaces.services.booking_create``: slots, opening hours, the time free, an open «down»
    incident refuses it) as a booking of the park's staff (confirmed, outside the company's
    quota), **in the operator's name** (so the spaces certificate check applies to the
    operator, and the booking's check-in renews their certificate), for the request's company.
    Only the people who work on the request may ask. Locking: the request row, then what the
    spaces service takes (SQLite's write lock; PostgreSQL's exclusion constraint)."""
    if not in_park(work_order.park, resource) or not is_instrument(resource):
        raise ValidationError({"resource": _("Choose an instrument of this park.")})
    _hour_line(work_order, quote_line)
    with transaction.atomic():
        request = _locked_in_work(access, work_order)
        _check_operator(request, operator)
        _qualification_refusal(
            operator=operator, resource=resource, starts_at=starts_at, ends_at=ends_at
        )
        operator_access = access_for(operator, work_order.park)
        # the booking is the centre's (a staff booking), made in the operator's name
        booking_access = ParkAccess(
            user=operator,
            park=work_order.park,
            roles=operator_access.roles | {Role.MANAGER},
        )
        booking = spaces_services.booking_create(
            access=booking_access,
            resource=resource,
            starts_at=starts_at,
            ends_at=ends_at,
            company=request.company,
            title=request.title[:200],
            now=now,
        )
        use = InstrumentUse.all_parks.create(
            park_id=work_order.park_id,
            work_order=work_order,
            booking=booking,
            operator=operator,
            quote_line=quote_line,
            created_at=now,
        )
        touched(work_order.park_id)
    return use


# --- deliveries ------------------------------------------------------------------------------


def is_delivered_line(line: QuoteLine) -> bool:
    """A line counted by what is delivered: samples, pieces, materials."""
    return line.kind == LineKind.MATERIALS or line.unit in (Unit.SAMPLE, Unit.PIECE)


def delivery_set(
    *,
    access: ParkAccess,
    work_order: WorkOrder,
    quote_line: QuoteLine,
    quantity: Decimal,
    now: datetime,
) -> Delivery:
    """Record (or correct) the quantity delivered on a line of samples, pieces or materials."""
    if quote_line.quote_id != work_order.quote_id or not is_delivered_line(quote_line):
        raise ValidationError(
            {
                "quote_line": _(
                    "Choose a line of the approved quote in samples, pieces or materials."
                )
            }
        )
    if not quantity.is_finite() or quantity < 0 or quantity > MAX_QUANTITY:
        raise ValidationError({"quantity": _("Give a quantity of zero or more.")})
    if quantity != quantity.quantize(HUNDREDTH):
        raise ValidationError({"quantity": _("Give the quantity to hundredths at most.")})
    with transaction.atomic():
        _locked_in_work(access, work_order)
        delivery, _created = Delivery.all_parks.update_or_create(
            work_order=work_order,
            quote_line=quote_line,
            defaults={
                "park_id": work_order.park_id,
                "quantity": quantity,
                "recorded_by": access.user,
                "recorded_at": now,
            },
        )
        touched(work_order.park_id)
    return delivery


# --- what was delivered --------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveredLine:
    """What was delivered on a line of the approved quote, one kind at a time.

    ``kind``: ``"time"`` (engineers' time on an hourly line), ``"instrument"`` (instrument
    bookings linked to an hourly line) or ``"delivered"`` (the recorded quantity of a line in
    samples, pieces or materials). ``quantity``: hours or units, ``Decimal`` to hundredths
    rounded half up; ``unit_price`` and ``discount`` are the quote line's, ``quoted_quantity``
    what it quoted."""

    quote_line: QuoteLine
    kind: str
    quantity: Decimal
    unit_price: Decimal
    description: str
    quoted_quantity: Decimal
    discount: Decimal
    #: something was recorded on the line (a delivery, a time entry or an instrument use linked
    #: to it), even a quantity of zero: only a line with nothing recorded is charged as quoted
    recorded: bool = False


def hours(seconds: Decimal | int) -> Decimal:
    return (Decimal(seconds) / Decimal(3600)).quantize(HUNDREDTH, ROUND_HALF_UP)


def delivered_quantities(work_order: WorkOrder) -> list[DeliveredLine]:
    """Per line of the work order's approved quote, in the quote's order, one item. An hourly
    line delivers the larger of the staff's hours (its finished time entries, minutes / 60) and
    the instrument's hours (the booked span of its linked bookings that were confirmed or
    checked in): the engineer operating the instrument is the same hour of the same line, billed
    once; the item is ``time`` when the staff's hours are at least the instrument's, else
    ``instrument``. A line of samples, pieces or materials gives a ``delivered`` item (the
    recorded quantity, zero when none). ``recorded``: a delivery, a time entry or an instrument
    use is linked to the line. Four queries."""
    lines = list(
        QuoteLine.all_parks.filter(quote_id=work_order.quote_id)
        .select_related("service")
        .order_by("position", "pk")
    )
    # every linked entry marks its line recorded; a running one has no minutes yet (not summed)
    minutes = dict(
        TimeEntry.all_parks.filter(work_order=work_order, quote_line__isnull=False)
        .values_list("quote_line_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    instrument_seconds: dict[int, int] = defaultdict(int)
    for line_id, status, starts_at, ends_at in InstrumentUse.all_parks.filter(
        work_order=work_order, quote_line__isnull=False
    ).values_list("quote_line_id", "booking__status", "booking__starts_at", "booking__ends_at"):
        instrument_seconds[line_id] += (
            int((ends_at - starts_at).total_seconds()) if status in USED_STATUSES else 0
        )
    delivered = dict(
        Delivery.all_parks.filter(work_order=work_order).values_list("quote_line_id", "quantity")
    )
    linked = set(minutes) | set(instrument_seconds)
    result: list[DeliveredLine] = []
    for line in lines:
        name = line.description or (line.service.display_name if line.service else "")

        def item(
            kind: str, quantity: Decimal, line: QuoteLine = line, name: str = name
        ) -> DeliveredLine:
            return DeliveredLine(
                quote_line=line,
                kind=kind,
                quantity=quantity.quantize(HUNDREDTH, ROUND_HALF_UP),
                unit_price=line.unit_price,
                description=name,
                quoted_quantity=line.quantity,
                discount=line.discount,
                recorded=line.pk in linked or line.pk in delivered,
            )

        if line.kind == LineKind.SERVICE and line.unit == Unit.HOUR:
            staff = hours((minutes.get(line.pk) or 0) * 60)
            instrument = hours(instrument_seconds.get(line.pk, 0))
            if staff >= instrument:
                result.append(item("time", staff))
            else:
                result.append(item("instrument", instrument))
        else:
            result.append(item("delivered", Decimal(delivered.get(line.pk) or 0)))
    return result
