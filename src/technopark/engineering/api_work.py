"""The work part of the engineering API: a request's work order (tasks, instruments, deliveries
and what was delivered), adding a task, time (start a timer, log a duration, stop, list) and
instrument use (link a booking, or book an instrument for the work).

The same rules and services as the pages: a work order is looked up through its request, so
another park's, and one under an NDA the visitor is outside of, is a 404; a visitor who sees the
request but does not work on it is a 403; a refusal of the service (not in work, a second running
timer, a line not in hours, an operator without a valid certificate, an instrument out of
service) is a 422 naming the field, in the reader's language.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PageParams, paginate
from technopark.api.types import Id
from technopark.engineering import queries, rules
from technopark.engineering.models import (
    InstrumentUse,
    QuoteLine,
    ServiceRequest,
    TimeEntry,
    WorkOrder,
    WorkTask,
)
from technopark.engineering.schemas import (
    InstrumentUseIn,
    InstrumentUseOut,
    TaskIn,
    TaskOut,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPageOut,
    TimeMode,
    WorkOrderOut,
)
from technopark.engineering.services import work
from technopark.parks.http import access_of, park_of, require

router = Router(tags=["engineering"])

BASE = "/parks/{slug:park_slug}/engineering"


def _visible(request: HttpRequest, request_id: int) -> ServiceRequest:
    """The park's request the visitor may see, or 404 (NDA and other parks alike)."""
    park = park_of(request)
    found = queries.request_in_park(park=park, pk=request_id)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    if found is None or not rules.can_view_request(access_of(request), found, member_ids):
        raise Http404
    return found


def _order(request: HttpRequest, work_order_id: int) -> tuple[WorkOrder, ServiceRequest]:
    order = queries.work_order_in_park(park=park_of(request), pk=work_order_id)
    if order is None:
        raise Http404
    return order, _visible(request, order.request_id)


def _working(request: HttpRequest, work_order_id: int) -> tuple[WorkOrder, ServiceRequest]:
    order, found = _order(request, work_order_id)
    require(rules.works_on(access_of(request), found))
    return order, found


def _task_out(task: WorkTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "engineer_id": task.engineer_id,
        "state": task.state,
        "quote_line_id": task.quote_line_id,
        "done_at": task.done_at,
    }


def _entry_out(entry: TimeEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "work_order_id": entry.work_order_id,
        "engineer_id": entry.engineer_id,
        "task_id": entry.task_id,
        "quote_line_id": entry.quote_line_id,
        "started_at": entry.started_at,
        "ended_at": entry.ended_at,
        "minutes": entry.minutes,
        "note": entry.note,
    }


def _use_out(use: InstrumentUse) -> dict[str, Any]:
    booking = use.booking
    return {
        "id": use.pk,
        "booking_id": booking.pk,
        "resource_id": booking.resource_id,
        "resource": booking.resource.display_name,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "booking_status": booking.status,
        "operator_id": use.operator_id,
        "quote_line_id": use.quote_line_id,
    }


def _line(order: WorkOrder, pk: int | None) -> QuoteLine | None:
    if pk is None:
        return None
    line = QuoteLine.all_parks.filter(park_id=order.park_id, quote_id=order.quote_id, pk=pk).first()
    if line is None:
        raise ValidationError({"quote_line": _("Choose a line of the approved quote.")})
    return line


def _task(order: WorkOrder, pk: int | None) -> WorkTask | None:
    if pk is None:
        return None
    task = WorkTask.all_parks.filter(work_order=order, pk=pk).first()
    if task is None:
        raise ValidationError({"task": _("Choose a task of this work order.")})
    return task


def _person(request: HttpRequest, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = queries.staff_people(park=park_of(request)).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("Choose an engineer or a staff member of this park.")})
    return found


@router.get(
    f"{BASE}/requests/{{request_id}}/work",
    auth=signed_in,
    **documented({200: WorkOrderOut}, 401, 404, 422),
    summary="A request's work order",
)
def work_order_detail(request: HttpRequest, park_slug: str, request_id: Id) -> Any:
    """Its tasks, instrument uses, recorded deliveries and what was delivered per line of the
    approved quote (``delivered``: hours of staff and instrument time, recorded quantities).
    404 when the request has no work order yet (it opens when the request goes into work)."""
    found = _visible(request, request_id)
    order = queries.work_order_of(request=found)
    if order is None:
        raise Http404
    parts = queries.work_order_parts(work_order=order)
    return {
        "id": order.pk,
        "request_id": order.request_id,
        "quote_id": order.quote_id,
        "due_on": order.due_on,
        "created_at": order.created_at,
        "tasks": [_task_out(task) for task in parts["tasks"]],
        "instrument_uses": [_use_out(use) for use in parts["uses"]],
        "deliveries": [
            {"quote_line_id": row.quote_line_id, "quantity": row.quantity}
            for row in parts["deliveries"].values()
        ],
        "delivered": [
            {
                "quote_line_id": item.quote_line.pk,
                "kind": item.kind,
                "description": item.description,
                "quoted_quantity": item.quoted_quantity,
                "quantity": item.quantity,
                "unit_price": item.unit_price,
                "discount": item.discount,
            }
            for item in work.delivered_quantities(order)
        ],
    }


@router.post(
    f"{BASE}/work/{{work_order_id}}/tasks",
    auth=signed_in,
    **documented({201: TaskOut}, 400, 401, 403, 404, 422),
    summary="Add a task to a work order",
)
def task_add(request: HttpRequest, park_slug: str, work_order_id: Id, payload: TaskIn) -> Any:
    """By the people who work on the request, while it is in work; ``engineer`` must be one
    assigned to the request (422 on ``engineer`` otherwise)."""
    order, _found = _working(request, work_order_id)
    task = work.task_add(
        access=access_of(request),
        work_order=order,
        title=payload.title,
        engineer=_person(request, payload.engineer, "engineer"),
        quote_line=_line(order, payload.quote_line),
        now=timezone.now(),
    )
    return Status(201, _task_out(task))


@router.post(
    f"{BASE}/work/{{work_order_id}}/time",
    auth=signed_in,
    **documented({201: TimeEntryOut}, 400, 401, 403, 404, 422),
    summary="Start a timer or log a duration",
)
def time_add(request: HttpRequest, park_slug: str, work_order_id: Id, payload: TimeEntryIn) -> Any:
    """``mode: start`` starts the visitor's timer now (422 on ``started_at`` while another of
    theirs runs); ``mode: duration`` logs ``minutes`` from ``started_at`` (both required).
    Only the engineers assigned to the request and the park's managers, while it is in work;
    ``quote_line`` must be an hourly line of the approved quote."""
    order, _found = _working(request, work_order_id)
    access = access_of(request)
    task = _task(order, payload.task)
    line = _line(order, payload.quote_line)
    now = timezone.now()
    if payload.mode == TimeMode.START:
        entry = work.time_start(
            access=access, work_order=order, task=task, quote_line=line, note=payload.note, now=now
        )
    else:
        if payload.started_at is None:
            raise ValidationError({"started_at": _("Give when the work started.")})
        if payload.minutes is None:
            raise ValidationError({"minutes": _("Give how many minutes it took.")})
        entry = work.time_log(
            access=access,
            work_order=order,
            started_at=payload.started_at,
            minutes=payload.minutes,
            task=task,
            quote_line=line,
            note=payload.note,
            now=now,
        )
    return Status(201, _entry_out(entry))


@router.post(
    f"{BASE}/time/{{entry_id}}/stop",
    auth=signed_in,
    **documented({200: TimeEntryOut}, 401, 403, 404, 422),
    summary="Stop a running timer",
)
def time_stop(request: HttpRequest, park_slug: str, entry_id: Id) -> Any:
    """One's own (managers and admins: anyone's); the minutes are the span, at least one."""
    entry = queries.time_entry_in_park(park=park_of(request), pk=entry_id)
    if entry is None:
        raise Http404
    _order_unused, found = _order(request, entry.work_order_id)
    access = access_of(request)
    require(rules.works_on(access, found))
    stopped = work.time_stop(access=access, entry=entry, now=timezone.now())
    return _entry_out(stopped)


@router.get(
    f"{BASE}/work/{{work_order_id}}/time",
    auth=signed_in,
    **documented({200: TimeEntryPageOut}, 401, 403, 404, 422),
    summary="A work order's time entries, newest first",
)
def time_list(
    request: HttpRequest, park_slug: str, work_order_id: Id, page: Query[PageParams]
) -> Any:
    """To the people who work on the request (the company sees the totals in the work order's
    ``delivered``). Two queries."""
    order, _found = _working(request, work_order_id)
    data = paginate(queries.time_entries(work_order=order), page)
    data["items"] = [_entry_out(entry) for entry in data["items"]]
    return data


@router.post(
    f"{BASE}/work/{{work_order_id}}/instruments",
    auth=signed_in,
    **documented({201: InstrumentUseOut}, 400, 401, 403, 404, 422),
    summary="Link a booking of an instrument, or book one for the work",
)
def instrument_use_add(
    request: HttpRequest, park_slug: str, work_order_id: Id, payload: InstrumentUseIn
) -> Any:
    """Give ``booking`` to link an existing booking of an instrument of this park (not cancelled,
    not linked already), or ``resource``, ``starts_at`` and ``ends_at`` to book the instrument
    in the operator's name through the spaces booking rules. Where the instrument needs a
    certificate, the ``operator`` must hold a valid one at the booking's time (422 on
    ``operator``); an instrument out of service is a 422 on ``resource``."""
    order, _found = _working(request, work_order_id)
    park = park_of(request)
    operator = _person(request, payload.operator, "operator")
    line = _line(order, payload.quote_line)
    now = timezone.now()
    if payload.booking is not None:
        booking = queries.booking_in_park(park=park, pk=payload.booking)
        if booking is None:
            raise ValidationError({"booking": _("No such booking in this park.")})
        use = work.instrument_use_link(
            access=access_of(request),
            work_order=order,
            booking=booking,
            operator=operator,
            quote_line=line,
            now=now,
        )
    else:
        if payload.resource is None or payload.starts_at is None or payload.ends_at is None:
            raise ValidationError(
                {"resource": _("Give a booking to link, or an instrument with its times.")}
            )
        resource = queries.instruments(park=park).filter(pk=payload.resource).first()
        if resource is None:
            raise ValidationError({"resource": _("Choose an instrument of this park.")})
        use = work.work_booking_create(
            access=access_of(request),
            work_order=order,
            resource=resource,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            operator=operator,
            quote_line=line,
            now=now,
        )
    fresh = InstrumentUse.all_parks.select_related("booking__resource").get(pk=use.pk)
    return Status(201, _use_out(fresh))
