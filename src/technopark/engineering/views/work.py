"""The work of a request: its work order's section on the request's page and its own page
(tasks, time, instruments, deliveries, with the forms the visitor may use), the actions those
forms post to, and the staff's work order board with the engineer's own time of the week.

Every record is looked up in the visitor's park and through the request it belongs to: another
park's, or one under an NDA the visitor is outside of, is a 404; a visitor who sees the request
but does not work on it is refused (403). The services decide the rest (state, assignment,
certificates) and their refusals are shown at the form's field with a 400."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from technopark.core.localtime import local_today, to_utc, wall_time
from technopark.engineering import queries, rules
from technopark.engineering.forms import (
    DeliveryForm,
    InstrumentLinkForm,
    TaskForm,
    TaskStateForm,
    TimeLogForm,
    TimerForm,
    WorkBookingForm,
    WorkForm,
)
from technopark.engineering.models import (
    LineKind,
    ServiceRequest,
    TaskState,
    TimeEntry,
    Unit,
    WorkOrder,
    WorkTask,
)
from technopark.engineering.services import work
from technopark.engineering.views._common import request_or_404, visitor
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park

FORMS: dict[str, type[WorkForm]] = {
    "task_form": TaskForm,
    "timer_form": TimerForm,
    "time_form": TimeLogForm,
    "link_form": InstrumentLinkForm,
    "booking_form": WorkBookingForm,
    "delivery_form": DeliveryForm,
}


# --- what the section shows ----------------------------------------------------------------


def _choices(found: ServiceRequest, order: WorkOrder, park: Park) -> dict[str, Any]:
    lines = order.quote.lines.select_related("service")
    return {
        "engineer": found.engineers.all(),
        "quote_line": lines.filter(unit=Unit.HOUR),
        "task": WorkTask.all_parks.filter(work_order=order).exclude(state=TaskState.DONE),
        "operator": queries.staff_people(park=park),
        "resource": queries.instruments(park=park),
    }


def _forms(
    found: ServiceRequest, order: WorkOrder, park: Park, bound: dict[str, WorkForm]
) -> dict[str, WorkForm]:
    choices = _choices(found, order, park)
    made: dict[str, WorkForm] = {}
    for name, form_class in FORMS.items():
        if name in bound:
            made[name] = bound[name]
            continue
        picks = dict(choices)
        if form_class is TaskForm:
            picks["quote_line"] = order.quote.lines.select_related("service")
        if form_class is DeliveryForm:
            picks["quote_line"] = order.quote.lines.select_related("service").filter(
                Q(unit__in=(Unit.SAMPLE, Unit.PIECE)) | Q(kind=LineKind.MATERIALS)
            )
        made[name] = form_class(choices=picks, auto_id=f"{name}_%s")
    return made


def work_context(
    http_request: HttpRequest,
    found: ServiceRequest,
    *,
    bound: dict[str, WorkForm] | None = None,
) -> dict[str, Any]:
    """The request's work order and what its section shows and offers (about a dozen queries
    with the forms' choices; none without a work order but the one that looks for it)."""
    order = queries.work_order_of(request=found)
    if order is None:
        return {"work_order": None}
    access = access_of(http_request)
    park = park_of(http_request)
    parts = queries.work_order_parts(work_order=order)
    can_record = rules.can_record_work(access, found)
    parts["changeable"] = {
        entry.pk for entry in parts["entries"] if rules.can_change_time_entry(access, entry, found)
    }
    context: dict[str, Any] = {
        "work_order": order,
        "work": parts,
        "delivered": work.delivered_quantities(order),
        "can_record": can_record,
        "zone": park.time_zone,
    }
    if can_record:
        context.update(_forms(found, order, park, bound or {}))
        running = work.running_timer(user=http_request.user)
        context["running"] = running
        context["task_states"] = TaskState.choices
        context["engineers"] = list(found.engineers.all())
    return context


# --- lookups -------------------------------------------------------------------------------


def _order_or_404(http_request: HttpRequest, pk: int) -> tuple[WorkOrder, ServiceRequest]:
    order = queries.work_order_in_park(park=park_of(http_request), pk=pk)
    if order is None:
        raise Http404(_("No such work order in this park."))
    found = request_or_404(http_request, order.request_id, visitor(http_request))
    return order, found


def _working(http_request: HttpRequest, found: ServiceRequest) -> None:
    require(rules.works_on(access_of(http_request), found))


def _back(http_request: HttpRequest, found: ServiceRequest) -> HttpResponse:
    url = reverse(
        "engineering:request", kwargs={"park_slug": park_of(http_request).slug, "pk": found.pk}
    )
    return redirect(f"{url}#work")


def _page(
    http_request: HttpRequest,
    order: WorkOrder,
    found: ServiceRequest,
    *,
    bound: dict[str, WorkForm] | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The work order's own page: the section with every form, and all its time paged."""
    context = work_context(http_request, found, bound=bound)
    entries = Paginator(queries.time_entries(work_order=order), settings.TECHNOPARK_PAGE_SIZE)
    page = entries.get_page(http_request.GET.get("page"))
    access = access_of(http_request)
    rows = list(page.object_list)
    context.update(
        {
            "req": found,
            "page": page,
            "all_entries": rows,
            "all_changeable": {
                entry.pk for entry in rows if rules.can_change_time_entry(access, entry, found)
            },
            **(extra or {}),
        }
    )
    return render(http_request, "engineering/work_order.html", context, status=status)


def _local(value: datetime | None, park: Park, field: str) -> datetime | None:
    return None if value is None else to_utc(value, zone=park.time_zone, field=field)


def _post(
    http_request: HttpRequest,
    pk: int,
    name: str,
    act: Callable[[WorkOrder, ServiceRequest, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Parse the form ``name`` of work order ``pk``, call ``act`` with its data, and go back to
    the request (done) or show the work order's page with the refusal (400)."""
    order, found = _order_or_404(http_request, pk)
    _working(http_request, found)
    park = park_of(http_request)
    picks = _choices(found, order, park)
    if FORMS[name] is TaskForm or FORMS[name] is DeliveryForm:
        picks["quote_line"] = order.quote.lines.select_related("service")
    form = FORMS[name](http_request.POST, choices=picks, auto_id=f"{name}_%s")
    if form.is_valid():
        try:
            act(order, found, form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(http_request, done)
            return _back(http_request, found)
    return _page(http_request, order, found, bound={name: form}, status=400)


# --- pages ---------------------------------------------------------------------------------


@login_required
@require_GET
def work_order(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """A work order's page: its section and all its time, paged."""
    order, found = _order_or_404(request, pk)
    return _page(request, order, found)


@login_required
@require_POST
def task_add(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    def act(order: WorkOrder, found: ServiceRequest, data: dict[str, Any]) -> Any:
        return work.task_add(
            access=access_of(request),
            work_order=order,
            title=data["title"],
            engineer=data["engineer"],
            quote_line=data["quote_line"],
            now=timezone.now(),
        )

    return _post(request, pk, "task_form", act, _("The task is added."))


@login_required
@require_POST
def task_update(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    task = queries.task_in_park(park=park_of(request), pk=pk)
    if task is None:
        raise Http404(_("No such task in this park."))
    order, found = _order_or_404(request, task.work_order_id)
    _working(request, found)
    form = TaskStateForm(request.POST, choices={"engineer": found.engineers.all()})
    if form.is_valid():
        try:
            work.task_update(
                access=access_of(request),
                task=task,
                state=form.cleaned_data["state"],
                engineer=form.cleaned_data["engineer"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The task is saved."))
            return _back(request, found)
    return _page(
        request, order, found, status=400, extra={"task_error": form.errors, "task_pk": task.pk}
    )


@login_required
@require_POST
def timer_start(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    def act(order: WorkOrder, found: ServiceRequest, data: dict[str, Any]) -> Any:
        return work.time_start(
            access=access_of(request),
            work_order=order,
            task=data["task"],
            quote_line=data["quote_line"],
            note=data["note"],
            now=timezone.now(),
        )

    return _post(request, pk, "timer_form", act, _("Your timer is running."))


@login_required
@require_POST
def time_log(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    park = park_of(request)

    def act(order: WorkOrder, found: ServiceRequest, data: dict[str, Any]) -> Any:
        return work.time_log(
            access=access_of(request),
            work_order=order,
            started_at=_local(data["started_at"], park, "started_at"),  # type: ignore[arg-type]
            minutes=data["minutes"],
            task=data["task"],
            quote_line=data["quote_line"],
            note=data["note"],
            now=timezone.now(),
        )

    return _post(request, pk, "time_form", act, _("The time is logged."))


def _entry_or_404(request: HttpRequest, pk: int) -> tuple[TimeEntry, WorkOrder, ServiceRequest]:
    entry = queries.time_entry_in_park(park=park_of(request), pk=pk)
    if entry is None:
        raise Http404(_("No such time entry in this park."))
    order, found = _order_or_404(request, entry.work_order_id)
    return entry, order, found


@login_required
@require_POST
def timer_stop(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    entry, _order, found = _entry_or_404(request, pk)
    access = access_of(request)
    require(rules.can_change_time_entry(access, entry, found))
    try:
        work.time_stop(access=access, entry=entry, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your timer is stopped."))
    target = request.POST.get("next", "")
    if target == "board":
        return redirect("engineering:board", park_slug=park_slug)
    return _back(request, found)


@login_required
@require_http_methods(["GET", "POST"])
def time_edit(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Correct a finished entry of one's own (managers and admins: anyone's) while in work."""
    entry, order, found = _entry_or_404(request, pk)
    access = access_of(request)
    require(rules.can_change_time_entry(access, entry, found) and entry.ended_at is not None)
    park = park_of(request)
    picks = _choices(found, order, park)
    picks["task"] = WorkTask.all_parks.filter(work_order=order)
    initial = {
        "started_at": wall_time(entry.started_at, park.time_zone),
        "minutes": entry.minutes,
        "task": entry.task_id,
        "quote_line": entry.quote_line_id,
        "note": entry.note,
    }
    form = TimeLogForm(request.POST or None, choices=picks, initial=initial, auto_id="edit_%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work.time_update(
                access=access,
                entry=entry,
                started_at=_local(data["started_at"], park, "started_at"),  # type: ignore[arg-type]
                minutes=data["minutes"],
                task=data["task"],
                quote_line=data["quote_line"],
                note=data["note"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The time entry is corrected."))
            return _back(request, found)
    status = 400 if form.is_bound else 200
    return _page(request, order, found, status=status, extra={"edit_form": form, "editing": entry})


@login_required
@require_POST
def time_delete(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    entry, _order, found = _entry_or_404(request, pk)
    access = access_of(request)
    require(rules.can_change_time_entry(access, entry, found))
    try:
        work.time_delete(access=access, entry=entry, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The time entry is deleted."))
    return _back(request, found)


@login_required
@require_POST
def instrument_link(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    park = park_of(request)

    def act(order: WorkOrder, found: ServiceRequest, data: dict[str, Any]) -> Any:
        booking = queries.booking_in_park(park=park, pk=data["booking"])
        if booking is None:
            raise ValidationError({"booking": _("No such booking in this park.")})
        return work.instrument_use_link(
            access=access_of(request),
            work_order=order,
            booking=booking,
            operator=data["operator"],
            quote_line=data["quote_line"],
            now=timezone.now(),
        )

    return _post(request, pk, "link_form", act, _("The booking is linked to the work."))


@login_required
@require_POST
def work_booking(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    park = park_of(request)

    def act(order: WorkOrder, found: ServiceRequest, data: dict[str, Any]) -> Any:
        return work.work_booking_create(
            access=access_of(request),
            work_order=order,
            resource=data["resource"],
            starts_at=_local(data["starts_at"], park, "starts_at"),  # type: ignore[arg-type]
            ends_at=_local(data["ends_at"], park, "ends_at"),  # type: ignore[arg-type]
            operator=data["operator"],
            quote_line=data["quote_line"],
            now=timezone.now(),
        )

    return _post(request, pk, "booking_form", act, _("The instrument is booked for the work."))


@login_required
@require_POST
def delivery_set(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    def act(order: WorkOrder, found: ServiceRequest, data: dict[str, Any]) -> Any:
        return work.delivery_set(
            access=access_of(request),
            work_order=order,
            quote_line=data["quote_line"],
            quantity=data["quantity"],
            now=timezone.now(),
        )

    return _post(request, pk, "delivery_form", act, _("The delivered quantity is saved."))


# --- the board -----------------------------------------------------------------------------


@login_required
@require_GET
def board(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Open work orders by engineer and task state (filters: an engineer, mine), paged, and
    the visitor's own time this week with their running timer. Fixed query count."""
    access = access_of(request)
    require(rules.can_view_board(access))
    park = park_of(request)
    filters = queries.BoardFilters.from_params(request.GET)
    rows = queries.board(
        park=park, user=request.user, sees_all=rules.can_see_all_requests(access), filters=filters
    )
    page = Paginator(rows, settings.TECHNOPARK_PAGE_SIZE).get_page(request.GET.get("page"))
    orders = list(page.object_list)
    mine = queries.open_tasks_of(
        park=park, user=request.user, work_order_ids=[o.pk for o in orders]
    )
    now = timezone.now()
    today = local_today(park.time_zone, at=now)
    monday = today - timedelta(days=today.weekday())
    since = to_utc(datetime.combine(monday, datetime.min.time()), zone=park.time_zone)
    # next Monday's midnight in the park's zone: a week with a DST change is not 7×24 hours
    until = to_utc(
        datetime.combine(monday + timedelta(days=7), datetime.min.time()), zone=park.time_zone
    )
    week = queries.time_of(park=park, user=request.user, since=since, until=until)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "rows": [(order, mine.get(order.pk, [])) for order in orders],
        "filters": filters,
        "query": params.urlencode(),
        "engineers": list(queries.engineers(park=park)),
        "week": [entry for entry in week if entry.ended_at is not None],
        "running": next((entry for entry in week if entry.ended_at is None), None),
        "week_minutes": sum(entry.minutes or 0 for entry in week),
        "monday": monday,
    }
    return render(request, "engineering/board.html", context)
