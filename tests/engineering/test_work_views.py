"""The work pages: the work section on a request's page and the work order's own page (the NDA
rule as a role matrix, 404 outside it and for another park's order, 403 to those who see but do
not work on the request), the forms' refusals answered 400 next to the field, and the work order
board with its query count pinned at two sizes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from technopark.engineering.models import TimeEntry
from technopark.engineering.services import work
from tests.conftest import ROLES
from tests.engineering.conftest import DAY, NOW
from tests.engineering.test_work import SLOT, certify, in_work, instrument, lines

pytestmark = pytest.mark.django_db

PARK = "yakutia"
ALL_ROLES = (*ROLES, "engineer", "other_engineer")
HOUR = dt.timedelta(hours=1)


def url(name, park=PARK, **kwargs):
    return reverse(f"engineering:{name}", kwargs={"park_slug": park, **kwargs})


@pytest.fixture
def login(centre, client):
    def make(role):
        if role != "anonymous":
            client.force_login(centre.world.users[role])
        return client

    return make


# Who sees the request (and its work); who works on it (the forms).
SEES = {
    False: {"founder", "manager", "engineer", "other_engineer"},
    True: {"founder", "manager", "engineer"},
}
WORKS = {"manager", "engineer"}


@pytest.mark.parametrize("confidential", [False, True])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_the_work_and_who_gets_its_forms(centre, frozen, login, role, confidential):
    order = in_work(centre, confidential=confidential)
    work.task_add(
        access=centre.access("engineer"), work_order=order, title="Подготовить образцы", now=NOW
    )
    client = login(role)
    page = client.get(url("request", pk=order.request_id))
    own = client.get(url("work_order", pk=order.pk))
    if role == "anonymous":
        assert page.status_code == own.status_code == 302
        return
    if role not in SEES[confidential]:
        assert page.status_code == own.status_code == 404
        return
    assert page.status_code == own.status_code == 200
    body = page.content.decode()
    assert 'data-testid="work-section"' in body
    assert "Подготовить образцы" in body
    assert ('data-testid="task-form"' in body) == (role in WORKS)
    assert ('data-testid="timer-form"' in body) == (role in WORKS)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("founder", 403),  # sees the request, does not work on it
        ("other_engineer", 403),  # sees it (no NDA), not assigned
        ("other_founder", 404),
        ("observer", 404),
        ("expert", 404),
    ],
)
def test_those_who_do_not_work_on_it_cannot_post(centre, frozen, login, role, status):
    order = in_work(centre)
    client = login(role)
    response = client.post(url("timer_start", pk=order.pk), {})
    assert response.status_code == status
    response = client.post(url("task_add", pk=order.pk), {"title": "X"})
    assert response.status_code == status
    assert not TimeEntry.all_parks.exists() and not order.tasks.exists()


def test_the_other_engineer_gets_404_on_a_confidential_request(centre, frozen, login):
    order = in_work(centre, confidential=True)
    response = login("other_engineer").post(url("timer_start", pk=order.pk), {})
    assert response.status_code == 404


def test_another_parks_work_order_is_404(centre, frozen, login):
    order = in_work(centre)
    client = login("outsider")
    assert client.get(url("work_order", park="kolyma", pk=order.pk)).status_code == 404
    assert client.post(url("timer_start", park="kolyma", pk=order.pk), {}).status_code == 404
    # and an unknown one in the right park
    assert login("manager").get(url("work_order", pk=order.pk + 1000)).status_code == 404


def test_a_timer_starts_and_stops_from_the_page(centre, frozen, login):
    order = in_work(centre, hours="4")
    client = login("engineer")
    response = client.post(
        url("timer_start", pk=order.pk), {"quote_line": lines(order)["hour"].pk, "note": "Наладка"}
    )
    assert response.status_code == 302 and response.url.endswith("#work")
    entry = TimeEntry.all_parks.get()
    body = client.get(url("request", pk=order.request_id)).content.decode()
    assert 'data-testid="running-timer"' in body
    again = client.post(url("timer_start", pk=order.pk), {})
    assert again.status_code == 400
    assert "already running" in again.content.decode()
    frozen.shift(dt.timedelta(minutes=30))
    assert client.post(url("timer_stop", pk=entry.pk)).status_code == 302
    entry.refresh_from_db()
    assert entry.minutes == 30


def test_a_duration_is_logged_in_the_parks_time(centre, frozen, login):
    order = in_work(centre)
    response = login("engineer").post(
        url("time_log", pk=order.pk), {"started_at": "2026-03-02T08:00", "minutes": "45"}
    )
    assert response.status_code == 302
    entry = TimeEntry.all_parks.get()
    # 08:00 in Yakutsk (UTC+9) is 23:00 UTC the day before
    assert entry.started_at == dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"started_at": "2026-03-02T08:00", "minutes": "0"}, "minutes"),
        ({"started_at": "2026-03-02T08:00", "minutes": "много"}, "minutes"),
        ({"started_at": "вчера", "minutes": "10"}, "started_at"),
        ({"started_at": "2026-03-02T18:00", "minutes": "10"}, "started_at"),  # ahead
    ],
)
def test_bad_time_is_answered_400_at_the_field(centre, frozen, login, data, field):
    order = in_work(centre)
    response = login("engineer").post(url("time_log", pk=order.pk), data)
    assert response.status_code == 400
    form = response.context["time_form"]
    assert field in form.errors
    assert not TimeEntry.all_parks.exists()


def test_an_hour_line_is_required_for_time(centre, frozen, login):
    order = in_work(centre, hours="2")
    response = login("engineer").post(
        url("time_log", pk=order.pk),
        {
            "started_at": "2026-03-02T08:00",
            "minutes": "10",
            "quote_line": lines(order)["sample"].pk,
        },
    )
    assert response.status_code == 400
    assert "quote_line" in response.context["time_form"].errors


def test_an_unqualified_operator_is_refused_on_the_page(centre, frozen, login):
    order = in_work(centre)
    machine = instrument(centre)
    response = login("engineer").post(
        url("work_booking", pk=order.pk),
        {
            "resource": machine.pk,
            "starts_at": "2026-03-02T11:00",
            "ends_at": "2026-03-02T13:00",
            "operator": centre.engineer.pk,
        },
    )
    assert response.status_code == 400
    assert "operator" in response.context["booking_form"].errors


def test_a_qualified_operator_books_from_the_page(centre, frozen, login):
    order = in_work(centre)
    machine = instrument(centre)
    certify(centre, machine, centre.engineer, expires_on=DAY + dt.timedelta(days=30))
    response = login("engineer").post(
        url("work_booking", pk=order.pk),
        {
            "resource": machine.pk,
            "starts_at": "2026-03-02T11:00",
            "ends_at": "2026-03-02T13:00",
            "operator": centre.engineer.pk,
        },
    )
    assert response.status_code == 302
    use = order.instrument_uses.get()
    assert (use.booking.starts_at, use.booking.ends_at) == SLOT


def test_a_delivery_is_recorded_from_the_page(centre, frozen, login):
    order = in_work(centre)
    client = login("manager")
    sample = lines(order)["sample"]
    assert (
        client.post(
            url("delivery_set", pk=order.pk), {"quote_line": sample.pk, "quantity": "7,5"}
        ).status_code
        == 302
    )
    assert order.deliveries.get().quantity == Decimal("7.50")
    bad = client.post(url("delivery_set", pk=order.pk), {"quote_line": sample.pk, "quantity": "-1"})
    assert bad.status_code == 400


def test_tasks_change_state_from_the_page(centre, frozen, login):
    order = in_work(centre)
    task = work.task_add(access=centre.access("manager"), work_order=order, title="X", now=NOW)
    client = login("engineer")
    response = client.post(
        url("task_update", pk=task.pk), {"state": "done", "engineer": centre.engineer.pk}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and task.engineer == centre.engineer
    refused = client.post(
        url("task_update", pk=task.pk), {"state": "done", "engineer": centre.other_engineer.pk}
    )
    assert refused.status_code == 400


def test_own_entries_are_corrected_and_others_are_not(centre, frozen, login):
    order = in_work(centre)
    centre.assign(order.request, centre.engineer, centre.other_engineer)
    entry = work.time_log(
        access=centre.access("engineer"),
        work_order=order,
        started_at=NOW - HOUR,
        minutes=20,
        now=NOW,
    )
    assert login("other_engineer").get(url("time_edit", pk=entry.pk)).status_code == 403
    client = login("engineer")
    assert client.get(url("time_edit", pk=entry.pk)).status_code == 200
    response = client.post(
        url("time_edit", pk=entry.pk), {"started_at": "2026-03-02T09:00", "minutes": "25"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.minutes == 25
    assert client.post(url("time_delete", pk=entry.pk)).status_code == 302
    assert not TimeEntry.all_parks.exists()


# --- the board ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("manager", 200), ("engineer", 200), ("founder", 403), ("observer", 403)]
)
def test_who_opens_the_board(centre, frozen, login, role, status):
    assert login(role).get(url("board")).status_code == status


def test_the_board_is_linked_from_the_engineering_nav(centre, frozen, login):
    body = login("engineer").get(url("queue")).content.decode()
    assert url("board") in body


def test_the_board_filters_and_keeps_the_nda(centre, frozen, login):
    mine = in_work(centre)
    secret = in_work(centre, confidential=True)
    centre.assign(secret.request, centre.engineer)
    work.task_add(
        access=centre.access("manager"),
        work_order=mine,
        title="Моя задача",
        engineer=centre.engineer,
        now=NOW,
    )
    other = login("other_engineer").get(url("board"))
    titles = [order.pk for order, _tasks in other.context["rows"]]
    assert mine.pk in titles and secret.pk not in titles
    client = login("engineer")
    assert len(client.get(url("board")).context["rows"]) == 2
    only_mine = client.get(url("board") + "?mine=1").context["rows"]
    assert {order.pk for order, _ in only_mine} == {mine.pk, secret.pk}
    by_other = client.get(url("board") + f"?engineer={centre.other_engineer.pk}").context["rows"]
    assert by_other == []
    # a bad filter is ignored, never a 500
    assert client.get(url("board") + "?engineer=abc&mine=yes").status_code == 200


def test_the_board_shows_my_week_and_the_running_timer(centre, frozen, login):
    order = in_work(centre)
    engineer = centre.access("engineer")
    work.time_log(access=engineer, work_order=order, started_at=NOW - HOUR, minutes=50, now=NOW)
    work.time_start(access=engineer, work_order=order, now=NOW)
    response = login("engineer").get(url("board"))
    body = response.content.decode()
    assert 'data-testid="running-timer"' in body and 'name="next" value="board"' in body
    assert response.context["week_minutes"] == 50


BOARD_QUERIES = 9


@pytest.mark.parametrize("n", [1, 4])
def test_the_board_runs_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, n
):
    for i in range(n):
        order = in_work(centre)
        work.task_add(
            access=centre.access("manager"),
            work_order=order,
            title="X",
            engineer=centre.engineer,
            now=NOW,
        )
        work.time_log(
            access=centre.access("engineer"),
            work_order=order,
            started_at=NOW - HOUR + dt.timedelta(minutes=5 * i),
            minutes=5,
            now=NOW,
        )
    client = login("engineer")
    # the middleware's and the header's (3); the page's count and rows (2) and the engineers on
    # them (1); my open tasks on them (1); my week (1); the engineers to filter by (1)
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(url("board"))
    assert len(response.context["rows"]) == n


# the request page's own (see test_views) and its work: the order, its lines, tasks, time, uses
# and deliveries (6), what was delivered (4); the manager also gets the forms' choices and the
# running timer
WORK_PAGE_QUERIES = {"manager": 37, "founder": 23}


@pytest.mark.parametrize("who", ["manager", "founder"])
@pytest.mark.parametrize("n", [1, 4])
def test_the_request_page_with_its_work_runs_a_fixed_number_of_queries(
    centre, frozen, login, django_assert_num_queries, n, who
):
    order = in_work(centre, hours="8")
    manager = centre.access("manager")
    machine = instrument(centre, requires_certification=False)
    for i in range(n):
        task = work.task_add(
            access=manager, work_order=order, title=f"Задача {i}", engineer=centre.engineer, now=NOW
        )
        work.time_log(
            access=manager,
            work_order=order,
            started_at=NOW - HOUR + dt.timedelta(minutes=5 * i),
            minutes=5,
            task=task,
            quote_line=lines(order)["hour"],
            now=NOW,
        )
        start = SLOT[0] + dt.timedelta(hours=i)
        work.work_booking_create(
            access=manager,
            work_order=order,
            resource=machine,
            starts_at=start,
            ends_at=start + HOUR,
            operator=centre.engineer,
            quote_line=lines(order)["hour"],
            now=NOW,
        )
    client = login(who)
    with django_assert_num_queries(WORK_PAGE_QUERIES[who]):
        response = client.get(url("request", pk=order.request_id))
    assert response.content.decode().count("Задача ") >= n
