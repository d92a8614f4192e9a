"""The reviewer's defects of the work orders, each with the test that failed before the fix:
a timer stuck when the request leaves «in work», spans ending ahead or overlapping, staff and
instrument time billed twice on one hourly line, «recorded» as something linked (not > 0)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from technopark.engineering import services
from technopark.engineering.models import RequestState, TimeEntry
from technopark.engineering.services import work
from tests.engineering.conftest import NOW
from tests.engineering.test_work import SLOT, in_work, instrument, lines

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def test_leaving_in_work_stops_the_running_timers_at_that_moment(centre, frozen):
    order = in_work(centre)
    entry = work.time_start(access=centre.access("engineer"), work_order=order, now=NOW)
    services.request_transition(
        access=centre.access("manager"),
        request=order.request,
        to_state=RequestState.DELIVERED,
        now=NOW + 20 * MINUTE,
    )
    entry.refresh_from_db()
    assert entry.minutes == 20 and entry.ended_at == NOW + 20 * MINUTE
    assert work.running_timer(user=centre.engineer) is None


def test_a_timer_stopped_at_once_by_the_transition_counts_a_minute(centre, frozen):
    order = in_work(centre)
    entry = work.time_start(access=centre.access("engineer"), work_order=order, now=NOW)
    services.request_transition(
        access=centre.access("manager"), request=order.request, to_state="delivered", now=NOW
    )
    entry.refresh_from_db()
    assert entry.minutes == 1


def test_the_engineer_stops_their_own_timer_in_any_state(centre, frozen):
    order = in_work(centre)
    entry = work.time_start(access=centre.access("engineer"), work_order=order, now=NOW)
    # a timer left running by an older version of the code, the request moved on
    type(order.request).all_parks.filter(pk=order.request_id).update(state="delivered")
    stopped = work.time_stop(access=centre.access("engineer"), entry=entry, now=NOW + 5 * MINUTE)
    assert stopped.minutes == 5


def test_a_span_ending_in_the_future_is_refused(centre, frozen):
    order = in_work(centre)
    with pytest.raises(ValidationError) as caught:
        work.time_log(
            access=centre.access("engineer"),
            work_order=order,
            started_at=NOW - 10 * MINUTE,
            minutes=30,
            now=NOW,
        )
    assert "started_at" in caught.value.message_dict


def test_a_span_overlapping_ones_own_entry_is_refused(centre, frozen):
    order = in_work(centre)
    engineer = centre.access("engineer")
    work.time_log(
        access=engineer, work_order=order, started_at=NOW - 60 * MINUTE, minutes=30, now=NOW
    )
    with pytest.raises(ValidationError) as caught:
        work.time_log(
            access=engineer, work_order=order, started_at=NOW - 40 * MINUTE, minutes=30, now=NOW
        )
    assert "started_at" in caught.value.message_dict
    # right after it is fine; another engineer's entry never clashes
    work.time_log(
        access=engineer, work_order=order, started_at=NOW - 30 * MINUTE, minutes=10, now=NOW
    )
    work.time_log(
        access=centre.access("manager"),
        work_order=order,
        started_at=NOW - 40 * MINUTE,
        minutes=30,
        now=NOW,
    )


def test_a_span_overlapping_ones_running_timer_is_refused(centre, frozen):
    order = in_work(centre)
    engineer = centre.access("engineer")
    work.time_start(access=engineer, work_order=order, now=NOW - 30 * MINUTE)
    with pytest.raises(ValidationError) as caught:
        work.time_log(
            access=engineer, work_order=order, started_at=NOW - 20 * MINUTE, minutes=10, now=NOW
        )
    assert "started_at" in caught.value.message_dict


def test_an_hourly_line_bills_the_larger_of_staff_and_instrument_hours_once(centre, frozen):
    order = in_work(centre, hours="4")
    hour = lines(order)["hour"]
    work.time_log(
        access=centre.access("engineer"),
        work_order=order,
        started_at=NOW - 3 * 60 * MINUTE,
        minutes=180,
        quote_line=hour,
        now=NOW,
    )
    work.work_booking_create(
        access=centre.access("manager"),
        work_order=order,
        resource=instrument(centre, requires_certification=False),
        starts_at=SLOT[0],
        ends_at=SLOT[1],
        operator=centre.engineer,
        quote_line=hour,
        now=NOW,
    )
    on_hour = [item for item in work.delivered_quantities(order) if item.quote_line == hour]
    assert [(item.kind, item.quantity) for item in on_hour] == [("time", Decimal("3.00"))]


def test_a_line_is_recorded_when_anything_is_linked_to_it(centre, frozen):
    order = in_work(centre, hours="4")
    found = lines(order)
    work.delivery_set(
        access=centre.access("engineer"),
        work_order=order,
        quote_line=found["sample"],
        quantity=Decimal("0"),
        now=NOW,
    )
    by = {item.quote_line.pk: item for item in work.delivered_quantities(order)}
    assert by[found["sample"].pk].recorded and by[found["sample"].pk].quantity == 0
    assert not by[found["hour"].pk].recorded
    assert not by[found["materials"].pk].recorded
    assert TimeEntry.all_parks.count() == 0
