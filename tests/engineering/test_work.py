"""Work orders: opening with the request's move into work, tasks, time (timers and durations),
instrument use with the operator's certificate (the spaces rule), deliveries, and
``delivered_quantities``. Every refusal has its test; time is passed in, never read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from technopark.engineering import services
from technopark.engineering.models import (
    InstrumentUse,
    RequestState,
    TaskState,
    Tier,
    TimeEntry,
    WorkOrder,
)
from technopark.engineering.services import work
from technopark.spaces import services as spaces_services
from technopark.spaces.models import Booking, BookingStatus, IncidentSeverity, ResourceType
from tests.engineering.conftest import DAY, NOW
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
# 11:00–13:00 in Yakutsk on the frozen Monday
SLOT = (NOW + HOUR, NOW + 3 * HOUR)


def in_work(centre: Any, *, hours: str = "", confidential: bool = False) -> WorkOrder:
    """A request in work whose approved quote has the samples line and, when ``hours`` is
    given, an hourly line of that many hours and a materials line."""
    request = centre.to_state(RequestState.APPROVED, confidential=confidential)
    if hours:
        manager = centre.access("manager")
        quote = request.quotes.get(status="approved")
        draft = services.quote_revise(access=manager, quote=quote, now=NOW)
        services.quote_line_add(
            access=manager,
            quote=draft,
            service=centre.drilling,
            quantity=Decimal(hours),
            tier=Tier.EXTERNAL,
            now=NOW,
        )
        services.quote_materials_add(
            access=manager,
            quote=draft,
            description="Композит, лист",
            quantity=Decimal("3"),
            unit_price=Decimal("1200.00"),
        )
        services.quote_send(access=manager, quote=draft, now=NOW)
        services.quote_approve(
            access=centre.access("founder"), quote=draft, side="company", now=NOW
        )
    services.request_transition(
        access=centre.access("manager"), request=request, to_state="in_work", now=NOW
    )
    return WorkOrder.all_parks.get(request=request)


def lines(order: WorkOrder) -> dict[str, Any]:
    found = {line.unit or "materials": line for line in order.quote.lines.all()}
    return found


def instrument(centre: Any, **kwargs: Any) -> Any:
    return spaces_services.resource_create(
        site=centre.world.site,
        name=kwargs.pop("name", "Разрывная машина"),
        resource_type=ResourceType.ENGINEERING,
        requires_certification=kwargs.pop("requires_certification", True),
        **kwargs,
    )


def certify(
    centre: Any,
    resource: Any,
    user: Any,
    *,
    expires_on: dt.date,
    trained_on: dt.date = DAY - dt.timedelta(days=10),
) -> Any:
    return spaces_services.certificate_record(
        actor=centre.world.users["manager"],
        user=user,
        resource=resource,
        trained_on=trained_on,
        expires_on=expires_on,
    )


# --- opening --------------------------------------------------------------------------------


def test_going_into_work_opens_the_order_against_the_approved_quote(centre, frozen):
    order = in_work(centre)
    assert order.quote.status == "approved"
    assert order.created_by == centre.world.users["manager"]
    # no desired date: the assay's lead time, 3 working days from Monday
    assert order.due_on == dt.date(2026, 3, 5)


def test_due_date_is_the_desired_date_when_given(centre, frozen):
    request = centre.to_state(RequestState.APPROVED)
    request.desired_on = dt.date(2026, 4, 1)
    request.save()
    services.request_transition(
        access=centre.access("manager"), request=request, to_state="in_work", now=NOW
    )
    assert WorkOrder.all_parks.get(request=request).due_on == dt.date(2026, 4, 1)


def test_lead_time_skips_the_weekend():
    assert work.add_working_days(dt.date(2026, 3, 6), 1) == dt.date(2026, 3, 9)


def test_a_request_sent_back_keeps_its_order(centre, frozen):
    order = in_work(centre)
    manager, founder = centre.access("manager"), centre.access("founder")
    services.request_transition(
        access=manager, request=order.request, to_state="delivered", now=NOW
    )
    services.request_transition(
        access=founder, request=order.request, to_state="in_work", reason="Не все образцы", now=NOW
    )
    assert WorkOrder.all_parks.filter(request=order.request).count() == 1


# --- tasks ----------------------------------------------------------------------------------


def test_tasks_are_added_assigned_and_done(centre, frozen):
    order = in_work(centre)
    engineer = centre.access("engineer")
    task = work.task_add(
        access=engineer,
        work_order=order,
        title="  Подготовить  образцы ",
        engineer=centre.engineer,
        now=NOW,
    )
    assert task.title == "Подготовить образцы"
    done = work.task_update(
        access=engineer, task=task, state=TaskState.DONE, engineer=centre.engineer, now=NOW
    )
    assert done.done_at == NOW
    reopened = work.task_update(
        access=engineer, task=done, state=TaskState.DOING, engineer=None, now=NOW
    )
    assert reopened.done_at is None and reopened.engineer is None


def test_a_task_goes_only_to_an_assigned_engineer(centre, frozen):
    order = in_work(centre)
    with pytest.raises(ValidationError) as caught:
        work.task_add(
            access=centre.access("manager"),
            work_order=order,
            title="X",
            engineer=centre.other_engineer,
            now=NOW,
        )
    assert "engineer" in caught.value.message_dict


@pytest.mark.parametrize("who", ["other_engineer", "founder", "observer", "outsider"])
def test_only_the_staff_on_the_request_add_tasks(centre, frozen, who):
    order = in_work(centre)
    with pytest.raises(ValidationError):
        work.task_add(access=centre.access(who), work_order=order, title="X", now=NOW)


def test_a_task_title_and_state_are_checked(centre, frozen):
    order = in_work(centre)
    engineer = centre.access("engineer")
    with pytest.raises(ValidationError) as caught:
        work.task_add(access=engineer, work_order=order, title="   ", now=NOW)
    assert "title" in caught.value.message_dict
    with pytest.raises(ValidationError):
        work.task_add(access=engineer, work_order=order, title="x" * 201, now=NOW)
    task = work.task_add(access=engineer, work_order=order, title="X", now=NOW)
    with pytest.raises(ValidationError) as caught:
        work.task_update(access=engineer, task=task, state="lost", now=NOW)
    assert "state" in caught.value.message_dict


# --- time -----------------------------------------------------------------------------------


def test_a_timer_runs_and_stops_with_at_least_a_minute(centre, frozen):
    order = in_work(centre, hours="4")
    engineer = centre.access("engineer")
    entry = work.time_start(
        access=engineer, work_order=order, quote_line=lines(order)["hour"], now=NOW
    )
    assert entry.ended_at is None and work.running_timer(user=centre.engineer) == entry
    stopped = work.time_stop(access=engineer, entry=entry, now=NOW + dt.timedelta(seconds=10))
    assert stopped.minutes == 1 and stopped.ended_at > stopped.started_at
    again = work.time_start(access=engineer, work_order=order, now=NOW + HOUR)
    stopped = work.time_stop(
        access=engineer, entry=again, now=NOW + HOUR + dt.timedelta(minutes=90, seconds=31)
    )
    assert stopped.minutes == 91
    with pytest.raises(ValidationError):
        work.time_stop(access=engineer, entry=stopped, now=NOW + 3 * HOUR)


def test_a_second_running_timer_is_refused_clearly(centre, frozen):
    order = in_work(centre)
    engineer = centre.access("engineer")
    work.time_start(access=engineer, work_order=order, now=NOW)
    with pytest.raises(ValidationError) as caught:
        work.time_start(access=engineer, work_order=order, now=NOW + HOUR)
    assert "started_at" in caught.value.message_dict
    assert "already running" in str(caught.value)
    assert TimeEntry.all_parks.filter(engineer=centre.engineer).count() == 1


def test_the_database_holds_one_running_timer(centre, frozen):
    """The race the check cannot see: the constraint answers with the same refusal."""
    order = in_work(centre)
    TimeEntry.all_parks.create(
        park=order.park, work_order=order, engineer=centre.engineer, started_at=NOW, created_at=NOW
    )
    original = work.running_timer
    try:
        work.running_timer = lambda **kwargs: None  # as if the other insert were not yet seen
        with pytest.raises(ValidationError) as caught:
            work.time_start(access=centre.access("engineer"), work_order=order, now=NOW)
    finally:
        work.running_timer = original
    assert "already running" in " ".join(caught.value.message_dict["started_at"])


def test_a_duration_is_logged(centre, frozen):
    order = in_work(centre, hours="4")
    task = work.task_add(
        access=centre.access("engineer"), work_order=order, title="Фрезеровка", now=NOW
    )
    entry = work.time_log(
        access=centre.access("engineer"),
        work_order=order,
        started_at=NOW - 2 * HOUR,
        minutes=45,
        task=task,
        quote_line=lines(order)["hour"],
        note="Черновой проход",
        now=NOW,
    )
    assert entry.ended_at == NOW - 2 * HOUR + dt.timedelta(minutes=45)
    assert entry.engineer == centre.engineer


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_a_duration_is_bounded(centre, frozen, minutes):
    order = in_work(centre)
    with pytest.raises(ValidationError) as caught:
        work.time_log(
            access=centre.access("engineer"),
            work_order=order,
            started_at=NOW - HOUR,
            minutes=minutes,
            now=NOW,
        )
    assert "minutes" in caught.value.message_dict


def test_time_is_not_logged_ahead(centre, frozen):
    order = in_work(centre)
    with pytest.raises(ValidationError) as caught:
        work.time_log(
            access=centre.access("engineer"),
            work_order=order,
            started_at=NOW + HOUR,
            minutes=5,
            now=NOW,
        )
    assert "started_at" in caught.value.message_dict


def test_time_counts_only_on_an_hourly_line_of_the_quote(centre, frozen):
    order = in_work(centre, hours="4")
    engineer = centre.access("engineer")
    for line in (lines(order)["sample"], lines(order)["materials"]):
        with pytest.raises(ValidationError) as caught:
            work.time_log(
                access=engineer,
                work_order=order,
                started_at=NOW - HOUR,
                minutes=5,
                quote_line=line,
                now=NOW,
            )
        assert "quote_line" in caught.value.message_dict
    other = in_work(centre, hours="2")
    with pytest.raises(ValidationError):
        work.time_start(access=engineer, work_order=order, quote_line=lines(other)["hour"], now=NOW)


def test_a_task_of_another_order_is_refused(centre, frozen):
    order, other = in_work(centre), in_work(centre)
    task = work.task_add(access=centre.access("manager"), work_order=other, title="X", now=NOW)
    with pytest.raises(ValidationError) as caught:
        work.time_log(
            access=centre.access("engineer"),
            work_order=order,
            started_at=NOW - HOUR,
            minutes=5,
            task=task,
            now=NOW,
        )
    assert "task" in caught.value.message_dict


@pytest.mark.parametrize("who", ["other_engineer", "founder", "observer", "expert"])
def test_only_assigned_engineers_and_managers_log_time(centre, frozen, who):
    order = in_work(centre)
    with pytest.raises(ValidationError) as caught:
        work.time_start(access=centre.access(who), work_order=order, now=NOW)
    assert caught.value.code == "forbidden"


def test_a_manager_logs_time(centre, frozen):
    order = in_work(centre)
    entry = work.time_log(
        access=centre.access("manager"),
        work_order=order,
        started_at=NOW - HOUR,
        minutes=30,
        now=NOW,
    )
    assert entry.engineer == centre.world.users["manager"]


@pytest.mark.parametrize(
    "state", [RequestState.APPROVED, RequestState.DELIVERED, RequestState.ACCEPTED]
)
def test_time_only_while_in_work(centre, frozen, state):
    order = in_work(centre)
    request = order.request
    if state == RequestState.APPROVED:
        request.state = state  # as if it had not gone into work yet
        request.save()
    else:
        services.request_transition(
            access=centre.access("manager"), request=request, to_state="delivered", now=NOW
        )
        if state == RequestState.ACCEPTED:
            services.request_transition(
                access=centre.access("founder"), request=request, to_state="accepted", now=NOW
            )
    with pytest.raises(ValidationError) as caught:
        work.time_log(
            access=centre.access("engineer"),
            work_order=order,
            started_at=NOW - HOUR,
            minutes=5,
            now=NOW,
        )
    assert caught.value.code == "not_in_work"


def test_own_entries_are_corrected_and_deleted(centre, frozen):
    centre.assign(in_work(centre).request)  # unused order, keeps the counts honest
    order = in_work(centre)
    centre.assign(order.request, centre.engineer, centre.other_engineer)
    mine = work.time_log(
        access=centre.access("engineer"),
        work_order=order,
        started_at=NOW - HOUR,
        minutes=30,
        now=NOW,
    )
    with pytest.raises(ValidationError):
        work.time_update(
            access=centre.access("other_engineer"),
            entry=mine,
            started_at=NOW - HOUR,
            minutes=40,
            now=NOW,
        )
    with pytest.raises(ValidationError):
        work.time_delete(access=centre.access("other_engineer"), entry=mine, now=NOW)
    fixed = work.time_update(
        access=centre.access("engineer"),
        entry=mine,
        started_at=NOW - HOUR,
        minutes=40,
        note="исправлено",
        now=NOW,
    )
    assert fixed.minutes == 40 and fixed.note == "исправлено"
    work.time_delete(access=centre.access("engineer"), entry=fixed, now=NOW)
    assert not TimeEntry.all_parks.filter(pk=mine.pk).exists()


# --- instruments ----------------------------------------------------------------------------


def staff_booking(centre: Any, resource: Any, slot: Any = SLOT) -> Booking:
    """A booking of the instrument made earlier (by whoever: linking it is under test)."""
    return Booking.all_parks.create(
        park=centre.world.park,
        resource=resource,
        company=centre.world.company,
        booked_by=centre.world.users["manager"],
        starts_at=slot[0],
        ends_at=slot[1],
    )


def test_a_booking_is_linked_with_a_qualified_operator(centre, frozen):
    order = in_work(centre, hours="4")
    machine = instrument(centre)
    certify(centre, machine, centre.engineer, expires_on=DAY + dt.timedelta(days=100))
    booking = staff_booking(centre, machine)
    use = work.instrument_use_link(
        access=centre.access("engineer"),
        work_order=order,
        booking=booking,
        operator=centre.engineer,
        quote_line=lines(order)["hour"],
        now=NOW,
    )
    assert use.operator == centre.engineer
    with pytest.raises(ValidationError) as caught:
        work.instrument_use_link(
            access=centre.access("engineer"),
            work_order=order,
            booking=booking,
            operator=centre.engineer,
            now=NOW,
        )
    assert "already" in str(caught.value)


def test_an_operator_without_a_certificate_is_refused(centre, frozen):
    order = in_work(centre)
    booking = staff_booking(centre, instrument(centre))
    with pytest.raises(ValidationError) as caught:
        work.instrument_use_link(
            access=centre.access("engineer"),
            work_order=order,
            booking=booking,
            operator=centre.engineer,
            now=NOW,
        )
    assert caught.value.message_dict["operator"]
    assert not InstrumentUse.all_parks.exists()


def test_an_expired_certificate_is_refused(centre, frozen):
    order = in_work(centre)
    machine = instrument(centre)
    certify(centre, machine, centre.engineer, expires_on=DAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        work.instrument_use_link(
            access=centre.access("engineer"),
            work_order=order,
            booking=staff_booking(centre, machine),
            operator=centre.engineer,
            now=NOW,
        )
    assert "expired" in " ".join(caught.value.message_dict["operator"])


def test_a_certificate_lapsed_for_want_of_use_is_refused(centre, frozen):
    order = in_work(centre)
    machine = instrument(centre, certificate_lapses_after_days=30)
    certify(
        centre,
        machine,
        centre.engineer,
        trained_on=DAY - dt.timedelta(days=40),
        expires_on=DAY + dt.timedelta(days=300),
    )
    with pytest.raises(ValidationError) as caught:
        work.instrument_use_link(
            access=centre.access("engineer"),
            work_order=order,
            booking=staff_booking(centre, machine),
            operator=centre.engineer,
            now=NOW,
        )
    assert "lapsed" in " ".join(caught.value.message_dict["operator"])


def test_an_instrument_without_certification_needs_none(centre, frozen):
    order = in_work(centre)
    machine = instrument(centre, requires_certification=False)
    use = work.instrument_use_link(
        access=centre.access("engineer"),
        work_order=order,
        booking=staff_booking(centre, machine),
        operator=centre.engineer,
        now=NOW,
    )
    assert use.pk


def test_a_room_or_a_cancelled_booking_or_another_parks_is_refused(centre, frozen):
    order = in_work(centre)
    room = spaces_services.resource_create(
        site=centre.world.site, name="Переговорная", resource_type=ResourceType.ROOM
    )
    engineer = centre.access("engineer")
    with pytest.raises(ValidationError) as caught:
        work.instrument_use_link(
            access=engineer,
            work_order=order,
            booking=staff_booking(centre, room),
            operator=centre.engineer,
            now=NOW,
        )
    assert "booking" in caught.value.message_dict
    machine = instrument(centre, requires_certification=False)
    booking = staff_booking(centre, machine)
    Booking.all_parks.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    booking.refresh_from_db()
    with pytest.raises(ValidationError):
        work.instrument_use_link(
            access=engineer, work_order=order, booking=booking, operator=centre.engineer, now=NOW
        )
    other_site = SiteFactory(park=centre.world.other_park, name="Колыма")
    foreign = spaces_services.resource_create(
        site=other_site, name="Пресс", resource_type=ResourceType.ENGINEERING
    )
    foreign_booking = Booking.all_parks.create(
        park=centre.world.other_park,
        resource=foreign,
        booked_by=centre.world.users["outsider"],
        starts_at=SLOT[0],
        ends_at=SLOT[1],
    )
    with pytest.raises(ValidationError) as caught:
        work.instrument_use_link(
            access=engineer,
            work_order=order,
            booking=foreign_booking,
            operator=centre.engineer,
            now=NOW,
        )
    assert "booking" in caught.value.message_dict


def test_the_operator_must_be_staff_of_the_park(centre, frozen):
    order = in_work(centre)
    booking = staff_booking(centre, instrument(centre, requires_certification=False))
    with pytest.raises(ValidationError) as caught:
        work.instrument_use_link(
            access=centre.access("engineer"),
            work_order=order,
            booking=booking,
            operator=centre.world.users["founder"],
            now=NOW,
        )
    assert "operator" in caught.value.message_dict


def test_work_booking_creates_and_links_in_the_operators_name(centre, frozen):
    order = in_work(centre, hours="4")
    machine = instrument(centre)
    certify(centre, machine, centre.engineer, expires_on=DAY + dt.timedelta(days=100))
    use = work.work_booking_create(
        access=centre.access("engineer"),
        work_order=order,
        resource=machine,
        starts_at=SLOT[0],
        ends_at=SLOT[1],
        operator=centre.engineer,
        quote_line=lines(order)["hour"],
        now=NOW,
    )
    booking = use.booking
    assert booking.booked_by == centre.engineer
    assert booking.company == centre.world.company
    assert booking.status == BookingStatus.CONFIRMED


def test_work_booking_refused_for_an_unqualified_operator(centre, frozen):
    order = in_work(centre)
    machine = instrument(centre)
    with pytest.raises(ValidationError) as caught:
        work.work_booking_create(
            access=centre.access("manager"),
            work_order=order,
            resource=machine,
            starts_at=SLOT[0],
            ends_at=SLOT[1],
            operator=centre.engineer,
            now=NOW,
        )
    assert "operator" in caught.value.message_dict
    assert not Booking.all_parks.filter(resource=machine).exists()


def test_work_booking_refused_while_the_instrument_is_down(centre, frozen):
    order = in_work(centre)
    machine = instrument(centre, requires_certification=False)
    spaces_services.incident_open(
        actor=centre.world.users["manager"],
        resource=machine,
        severity=IncidentSeverity.DOWN,
        description="Сломан датчик",
        now=NOW,
    )
    with pytest.raises(ValidationError) as caught:
        work.work_booking_create(
            access=centre.access("engineer"),
            work_order=order,
            resource=machine,
            starts_at=SLOT[0],
            ends_at=SLOT[1],
            operator=centre.engineer,
            now=NOW,
        )
    assert "resource" in caught.value.message_dict
    assert not Booking.all_parks.filter(resource=machine).exists()
    assert not InstrumentUse.all_parks.exists()


def test_work_booking_refused_to_someone_not_on_the_request(centre, frozen):
    order = in_work(centre)
    machine = instrument(centre, requires_certification=False)
    with pytest.raises(ValidationError) as caught:
        work.work_booking_create(
            access=centre.access("other_engineer"),
            work_order=order,
            resource=machine,
            starts_at=SLOT[0],
            ends_at=SLOT[1],
            operator=centre.other_engineer,
            now=NOW,
        )
    assert caught.value.code == "forbidden"


# --- deliveries and what was delivered ------------------------------------------------------


def test_deliveries_are_recorded_and_corrected(centre, frozen):
    order = in_work(centre, hours="4")
    engineer = centre.access("engineer")
    work.delivery_set(
        access=engineer,
        work_order=order,
        quote_line=lines(order)["sample"],
        quantity=Decimal("8"),
        now=NOW,
    )
    work.delivery_set(
        access=engineer,
        work_order=order,
        quote_line=lines(order)["sample"],
        quantity=Decimal("9.5"),
        now=NOW,
    )
    assert order.deliveries.get().quantity == Decimal("9.50")
    with pytest.raises(ValidationError) as caught:
        work.delivery_set(
            access=engineer,
            work_order=order,
            quote_line=lines(order)["hour"],
            quantity=Decimal("1"),
            now=NOW,
        )
    assert "quote_line" in caught.value.message_dict
    for bad in (Decimal("-1"), Decimal("1.005"), Decimal("NaN"), Decimal("1e12")):
        with pytest.raises(ValidationError) as caught:
            work.delivery_set(
                access=engineer,
                work_order=order,
                quote_line=lines(order)["sample"],
                quantity=bad,
                now=NOW,
            )
        assert "quantity" in caught.value.message_dict


def test_delivered_quantities_sum_time_instruments_and_deliveries(
    centre, frozen, django_assert_num_queries
):
    order = in_work(centre, hours="4")
    hour, sample, materials = (
        lines(order)["hour"],
        lines(order)["sample"],
        lines(order)["materials"],
    )
    engineer, manager = centre.access("engineer"), centre.access("manager")
    # 20 + 25 minutes = 0.75 h; a third of an hour more rounds 1.083… to 1.08
    for offset, minutes in ((0, 20), (20, 25), (45, 20)):
        work.time_log(
            access=engineer,
            work_order=order,
            started_at=NOW - 3 * HOUR + dt.timedelta(minutes=offset),
            minutes=minutes,
            quote_line=hour,
            now=NOW,
        )
    # time on no line, and a running timer, count for nothing
    work.time_log(access=manager, work_order=order, started_at=NOW - 3 * HOUR, minutes=50, now=NOW)
    work.time_start(access=engineer, work_order=order, quote_line=hour, now=NOW)
    machine = instrument(centre, requires_certification=False)
    work.work_booking_create(
        access=manager,
        work_order=order,
        resource=machine,
        starts_at=SLOT[0],
        ends_at=SLOT[1],
        operator=centre.engineer,
        quote_line=hour,
        now=NOW,
    )
    cancelled = work.work_booking_create(
        access=manager,
        work_order=order,
        resource=machine,
        starts_at=SLOT[1],
        ends_at=SLOT[1] + HOUR,
        operator=centre.engineer,
        quote_line=hour,
        now=NOW,
    )
    Booking.all_parks.filter(pk=cancelled.booking_id).update(status=BookingStatus.CANCELLED)
    work.delivery_set(
        access=engineer, work_order=order, quote_line=sample, quantity=Decimal("9"), now=NOW
    )
    with django_assert_num_queries(4):
        result = work.delivered_quantities(order)
    by = {(item.quote_line.pk, item.kind): item for item in result}
    # staff 1.08 h and the instrument 2.00 h on the same hourly line: one item, the larger
    assert (hour.pk, "time") not in by
    assert by[(hour.pk, "instrument")].quantity == Decimal("2.00")
    assert by[(hour.pk, "instrument")].recorded
    assert by[(sample.pk, "delivered")].recorded
    assert not by[(materials.pk, "delivered")].recorded
    assert by[(sample.pk, "delivered")].quantity == Decimal("9.00")
    assert by[(materials.pk, "delivered")].quantity == Decimal("0.00")
    assert by[(hour.pk, "instrument")].unit_price == hour.unit_price
    assert by[(sample.pk, "delivered")].quoted_quantity == Decimal("10.00")
    assert [item.kind for item in result].count("instrument") == 1
    assert len(result) == 3


def test_rounding_is_half_up_to_hundredths(centre, frozen):
    order = in_work(centre, hours="4")
    # 0.5 minutes would not exist; 3 minutes = 0.05 h exactly, 1 minute = 0.01666… → 0.02
    work.time_log(
        access=centre.access("engineer"),
        work_order=order,
        started_at=NOW - HOUR,
        minutes=1,
        quote_line=lines(order)["hour"],
        now=NOW,
    )
    assert work.delivered_quantities(order)[-1].quantity in (Decimal("0.02"),) or any(
        item.quantity == Decimal("0.02") for item in work.delivered_quantities(order)
    )
    assert work.hours(30 * 60 + 18) == Decimal("0.51")  # 0.505 h rounds up
    assert work.hours(30 * 60 + 17) == Decimal("0.50")


def test_an_hourly_line_with_nothing_gives_zero_time(centre, frozen):
    order = in_work(centre, hours="4")
    result = [item for item in work.delivered_quantities(order) if item.quote_line.unit == "hour"]
    assert [(item.kind, item.quantity) for item in result] == [("time", Decimal("0.00"))]
