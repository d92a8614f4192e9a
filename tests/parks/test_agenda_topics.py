"""The agenda's providers declare the cache topics they read, and a write reruns only theirs.

- Each provider's queries read only tables of the topics it declares (``@agenda.reads``): run for
  a visitor holding every role (each branch of every provider runs its queries), the tables of
  the captured SQL are mapped to their topics as the declared-writes check maps rows
  (``tests/declared_writes.py``).
- A provider that declares nothing is refused at registration.
- After a write of topic X, only the providers declaring X (every one for "memberships": the
  roles decide what each shows) run again; the agenda then equals the agenda built afresh.
- The manager's home after a write of one topic runs that topic's provider's queries alone,
  at two sizes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from technopark.core.fragments import TIMEOUT, TOPICS, writes
from technopark.core.scopes import park_scope
from technopark.parks import agenda
from technopark.parks import services as park_services
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, access_for
from technopark.selection.services import review as review_services
from tests.declared_writes import TOPIC_OF
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.parks.test_home_agenda import _fill, _page, agenda_kinds
from tests.selection.factories import ApplicationFactory, CallFactory, ReviewAssignmentFactory
from tests.selection.fixtures_review import review_world  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

PROVIDERS = (
    "accounts",
    "companies",
    "engineering",
    "grants",
    "network",
    "programmes",
    "residency",
    "selection",
    "spaces",
)


def _topic(model: Any) -> str | None:
    """The topic of a model's rows; a model whose rows are shown or not by their state (a
    draft application, a review not filed) counts as its app's topic whatever the state."""
    label = model._meta.label_lower
    if label in TOPIC_OF and not callable(TOPIC_OF[label]):
        return TOPIC_OF[label]  # type: ignore[return-value]
    app = model._meta.app_label
    return app if app in TOPICS else None


def _tables_read(sql: str) -> set[Any]:
    return {
        model
        for model in apps.get_models(include_auto_created=True)
        if f'"{model._meta.db_table}"' in sql
    }


def _every_role(world: Any) -> ParkAccess:
    """The world's founder (acting for ``world.company``) holding every role of the park."""
    return ParkAccess(
        user=world.users["founder"], park=world.park, roles=frozenset(role for role in Role)
    )


def test_every_provider_declares_what_it_reads() -> None:
    assert set(agenda._providers) == set(PROVIDERS)
    for name, provider in agenda._providers.items():
        declared = agenda.topics_read(provider)
        assert declared and set(declared) <= TOPICS, name
        assert set(agenda.PARTS[name].topics) == {*declared, "memberships"}, name
        # A line the clock changes (a review overdue) is never shown later than with one fragment.
        assert agenda.AGENDA.timeout + agenda.PARTS[name].timeout <= TIMEOUT


def test_a_provider_declaring_nothing_is_refused() -> None:
    def undeclared(park: Any, user: Any, access: Any, now: Any) -> list[agenda.Item]:
        return []

    with pytest.raises(ImproperlyConfigured, match="declares no cache topics"):
        agenda.add_provider("undeclared", undeclared)
    assert "undeclared" not in agenda._providers and "undeclared" not in agenda.PARTS
    with pytest.raises(ValueError):
        agenda.reads("no-such-topic")
    with pytest.raises(ValueError):
        agenda.reads()


@pytest.mark.parametrize("name", PROVIDERS)
def test_the_declared_topics_cover_the_tables_read(world: Any, busy: Any, name: str) -> None:
    provider = agenda._providers[name]
    declared = set(agenda.topics_read(provider))
    accesses = [_every_role(world)] + [
        access_for(user, world.park) for user in world.users.values()
    ]
    read: dict[str, set[str]] = {}
    ran = 0
    for access in accesses:
        with CaptureQueriesContext(connection) as queries, park_scope(world.park):
            provider(world.park, access.user, access, timezone.now())
        ran += len(queries)
        for query in queries.captured_queries:
            for model in _tables_read(query["sql"]):
                topic = _topic(model)
                if topic is not None:
                    read.setdefault(topic, set()).add(model._meta.label)
    assert ran, f"{name}: no query ran, the check proves nothing"
    undeclared = {topic: models for topic, models in read.items() if topic not in declared}
    assert not undeclared, f"{name} reads {undeclared} without declaring it"


# --- a write reruns only the providers that read it -----------------------------------------------


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the providers run, in order (each provider wrapped by a spy)."""
    ran: list[str] = []

    def spy(name: str, provider: agenda.Provider) -> agenda.Provider:
        def run(*args: Any) -> list[agenda.Item]:
            ran.append(name)
            return provider(*args)

        return run

    for name, provider in list(agenda._providers.items()):
        monkeypatch.setitem(agenda._providers, name, spy(name, provider))
    yield ran


def _readers(topic: str) -> set[str]:
    return {name for name, part in agenda.PARTS.items() if topic in part.topics}


@pytest.mark.parametrize("role", ["manager", "founder"])
def test_a_write_reruns_only_the_providers_that_read_its_topic(
    world: Any, busy: Any, client_for: Any, calls: list[str], role: str
) -> None:
    client = client_for(role)
    _page(client, "/yakutia/")
    assert sorted(calls) == sorted(PROVIDERS)  # the first visit runs every provider
    calls.clear()
    _page(client, "/yakutia/")
    assert calls == []  # a cached visit none
    for topic in sorted(TOPICS):
        writes(topic, park_id=world.park.pk)
        _page(client, "/yakutia/")
        assert set(calls) == _readers(topic), topic
        assert len(calls) == len(set(calls)), topic  # each once
        calls.clear()
    assert _readers("spaces") == {"spaces"}
    assert _readers("memberships") == set(PROVIDERS)
    # A write in another park renews nothing here.
    writes(*sorted(TOPICS), park_id=world.other_park.pk)
    _page(client, "/yakutia/")
    assert calls == []


def _request(world: Any, role: str) -> Any:
    user = world.users[role]
    request = RequestFactory().get("/yakutia/")
    request.user = user
    request.park = world.park  # type: ignore[attr-defined]
    request.access = access_for(user, world.park)  # type: ignore[attr-defined]
    return request


def _fresh(world: Any, role: str) -> list[agenda.Item]:
    return agenda.agenda(park=world.park, access=access_for(world.users[role], world.park))


def _cached(world: Any, role: str) -> list[agenda.Item]:
    return agenda.cached_agenda(_request(world, role))


def _counts(items: list[agenda.Item]) -> dict[str, int]:
    return {item.kind: item.count for item in items}


def _same_as_afresh(world: Any, roles: tuple[str, ...] = ("manager", "founder", "expert")) -> None:
    for role in roles:
        assert _cached(world, role) == _fresh(world, role), role


def test_a_review_filed_lowers_the_experts_count(world: Any, review_world: Any) -> None:  # noqa: F811
    rw = review_world
    second = ApplicationFactory(call=rw.call, park=world.park, company=world.company)
    ReviewAssignmentFactory(
        application=second,
        expert=rw.expert,
        status="published",
        due_at=timezone.now() + timedelta(days=7),
    )
    assert _counts(_cached(world, "expert"))["selection.reviews_due"] == 2
    _same_as_afresh(world)
    review_services.review_file(
        assignment=rw.assignment,
        actor=world.users["expert"],
        scores={rw.criteria[0].pk: 7, rw.criteria[1].pk: 3},
        recommendation="admit",
    )
    assert _counts(_cached(world, "expert"))["selection.reviews_due"] == 1
    _same_as_afresh(world)


def test_a_booking_approved_changes_the_managers_bookings_line(world: Any) -> None:
    from technopark.spaces.models import Booking, BookingStatus, Resource, ResourceType
    from technopark.spaces.services.bookings import booking_approve

    resource = Resource.all_parks.create(
        park=world.park, site=world.site, name="Room", resource_type=ResourceType.ROOM
    )
    start = timezone.now() + timedelta(days=2)
    bookings = [
        Booking.all_parks.create(
            park=world.park,
            resource=resource,
            company=world.company,
            booked_by=world.users["founder"],
            starts_at=start + timedelta(hours=2 * n),
            ends_at=start + timedelta(hours=2 * n + 1),
            status=BookingStatus.PENDING,
        )
        for n in range(2)
    ]
    writes("spaces", park_id=world.park.pk)  # the rows above were made without a service
    assert _counts(_cached(world, "manager"))["spaces.approvals"] == 2
    _same_as_afresh(world)
    booking_approve(actor=world.users["manager"], booking=bookings[0])
    assert _counts(_cached(world, "manager"))["spaces.approvals"] == 1
    _same_as_afresh(world)
    booking_approve(actor=world.users["manager"], booking=bookings[1])
    assert "spaces.approvals" not in _counts(_cached(world, "manager"))
    _same_as_afresh(world)


def test_a_join_request_and_a_new_role_show_on_the_next_visit(world: Any) -> None:
    _same_as_afresh(world)
    request = park_services.membership_request(park=world.park, user=UserFactory())
    assert _counts(_cached(world, "manager"))["accounts.join_requests"] == 1
    _same_as_afresh(world)
    park_services.membership_approve(membership=request, actor=world.users["manager"])
    assert "accounts.join_requests" not in _counts(_cached(world, "manager"))
    _same_as_afresh(world)
    # The founder becomes an expert with a review to write: every part follows the roles.
    call = CallFactory(park=world.park)
    profile_user = world.users["founder"]
    from tests.selection.fixtures_review import make_expert

    MembershipFactory(park=world.park, user=profile_user, role=Role.EXPERT)
    writes("memberships", park_id=world.park.pk)
    expert = make_expert(world.park, user=profile_user)
    ReviewAssignmentFactory(
        application=ApplicationFactory(call=call, park=world.park, company=world.other_company),
        expert=expert,
        status="published",
        due_at=timezone.now() + timedelta(days=3),
    )
    writes("selection", park_id=world.park.pk)
    assert "selection.reviews_due" in _counts(_cached(world, "founder"))
    _same_as_afresh(world)


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_after_any_write_the_agenda_equals_the_agenda_afresh(
    world: Any, busy: Any, topic: str
) -> None:
    _same_as_afresh(world)
    # Change what the selection provider shows behind the cache's back, then declare the topic.
    ApplicationFactory(call=busy, company=CompanyFactory(park=world.park))
    writes(topic, park_id=world.park.pk)
    if topic in agenda.PARTS["selection"].topics:
        _same_as_afresh(world)
    writes("selection", park_id=world.park.pk)
    _same_as_afresh(world)


# --- query counts of the visit after a write, at two sizes ---------------------------------------

# The manager's home after a "spaces" write: the spaces provider's queries alone (the manager's
# own bookings today, bookings awaiting approval); every other provider's lines come from the
# cache (before the parts, the whole agenda ran again: 11 queries), and so do the visitor's
# companies and team offers, which only a "companies" write renews (they were 2 more queries).
MANAGER_HOME_AFTER_SPACES = 2
# After a "selection" write: the selection provider's two grouped queries (submitted
# applications by call, assignments by call).
MANAGER_HOME_AFTER_SELECTION = 2


@pytest.mark.parametrize("size", [1, 6])
def test_manager_home_after_a_write_runs_only_its_providers_queries(
    world: Any, client_for: Any, django_assert_num_queries: Any, size: int
) -> None:
    _fill(world, size)
    client = client_for("manager")
    _page(client, "/yakutia/")
    writes("spaces", park_id=world.park.pk)
    with django_assert_num_queries(MANAGER_HOME_AFTER_SPACES):
        html = _page(client, "/yakutia/")
    assert len([k for k in agenda_kinds(html) if k == "selection.screening"]) == size
    writes("selection", park_id=world.park.pk)
    with django_assert_num_queries(MANAGER_HOME_AFTER_SELECTION):
        html = _page(client, "/yakutia/")
    assert len([k for k in agenda_kinds(html) if k == "selection.screening"]) == size


def test_the_header_count_without_the_whole_agenda_in_the_cache(world: Any, busy: Any) -> None:
    from technopark.core.fragments import page_cache

    request = _request(world, "manager")
    shown = agenda.cached_agenda(request)
    total = sum(item.count for item in shown)
    assert total >= 2
    later = _request(world, "manager")  # another page of the park: reads the cache only
    assert agenda.known_count(later) == total
    # The whole has expired (it is the short-lived one): the parts still give the count.
    found = agenda.AGENDA.key(later)
    assert found is not None
    page_cache().delete(found[0])
    elsewhere = _request(world, "manager")
    with CaptureQueriesContext(connection) as queries:
        assert agenda.known_count(elsewhere) == total
    assert len(queries) == 0  # no provider ran
    # …and the whole was put together again from them, in the order the home shows.
    assert page_cache().get(found[0]) == (shown,)
    # A write retires the parts that read it: the count is unknown until the agenda is shown.
    writes("selection", park_id=world.park.pk)
    assert agenda.known_count(_request(world, "manager")) is None
