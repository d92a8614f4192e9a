"""The request's state machine, walked from its one table: every allowed change is made by the
side the table names and recorded; every other pair of states is refused with a clear message
and changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from technopark.audit.models import AuditEntry
from technopark.engineering import services
from technopark.engineering.models import RequestEvent, RequestState
from technopark.engineering.workflow import HOLDABLE, TRANSITIONS, By
from tests.engineering.conftest import NOW

pytestmark = pytest.mark.django_db

STATES = RequestState.values

# Every pair the table allows outside a hold (those a quote or a charge makes are tested below).
DIRECT = sorted(
    (a, b)
    for (a, b), t in TRANSITIONS.items()
    if a != RequestState.ON_HOLD and t.by not in (By.QUOTE, By.CHARGE)
)
BY_QUOTE = sorted((a, b) for (a, b), t in TRANSITIONS.items() if t.by == By.QUOTE)
# Every other pair of states outside a hold.
REFUSED = sorted(
    (a, b)
    for a in STATES
    for b in STATES
    if (a, b) not in TRANSITIONS and a != RequestState.ON_HOLD
)


def _move(centre, request, to_state, who, reason="Причина"):
    return services.request_transition(
        access=centre.access(who), request=request, to_state=to_state, reason=reason, now=NOW
    )


def _side(transition):
    return "founder" if transition.by == By.COMPANY else "manager"


def _refusal(excinfo):
    return excinfo.value.message_dict


def test_the_table_covers_what_the_issue_names():
    # The happy path, and rejected / cancelled / on hold reachable from the first states.
    path = ["submitted", "triaged", "quoted", "approved", "in_work", "delivered", "accepted"]
    for a, b in zip(path, [*path[1:], "charged"], strict=True):
        assert (a, b) in TRANSITIONS
    for state in ("submitted", "triaged", "quoted"):
        assert (state, "rejected") in TRANSITIONS
        assert (state, "cancelled") in TRANSITIONS
        assert (state, "on_hold") in TRANSITIONS
    assert not any(a in ("charged", "rejected", "cancelled") for a, _b in TRANSITIONS)


@pytest.mark.parametrize(("from_state", "to_state"), DIRECT)
def test_every_allowed_change_is_made_and_recorded(centre, frozen, from_state, to_state):
    request = centre.to_state(from_state)
    transition = TRANSITIONS[(from_state, to_state)]
    events = RequestEvent.all_parks.filter(request=request).count()
    audited = AuditEntry.objects.count()
    _move(centre, request, to_state, _side(transition))
    request.refresh_from_db()
    assert request.state == to_state
    event = RequestEvent.all_parks.filter(request=request).latest("pk")
    assert (event.from_state, event.to_state, event.reason) == (from_state, to_state, "Причина")
    assert event.actor == centre.world.users[_side(transition)]
    assert RequestEvent.all_parks.filter(request=request).count() == events + 1
    assert (AuditEntry.objects.count() == audited + 1) == transition.audited


@pytest.mark.parametrize(("from_state", "to_state"), DIRECT)
def test_the_other_side_may_not_make_the_change(centre, frozen, from_state, to_state):
    request = centre.to_state(from_state)
    transition = TRANSITIONS[(from_state, to_state)]
    # staff do not accept or cancel for the company, nor another company; the company and an
    # engineer not assigned to the request do not make the staff's changes
    others = (
        ("other_founder", "manager", "other_engineer")
        if transition.by == By.COMPANY
        else ("founder", "other_founder", "other_engineer")
    )
    for other in others:
        with pytest.raises(ValidationError):
            _move(centre, request, to_state, other)
        request.refresh_from_db()
        assert request.state == from_state


@pytest.mark.parametrize(("from_state", "to_state"), REFUSED)
def test_every_other_change_is_refused_and_changes_nothing(centre, frozen, from_state, to_state):
    request = centre.to_state(from_state)
    events = RequestEvent.all_parks.filter(request=request).count()
    with pytest.raises(ValidationError) as excinfo:
        _move(centre, request, to_state, "manager")
    message = " ".join(_refusal(excinfo)["to_state"])
    assert "cannot become" in message
    request.refresh_from_db()
    assert request.state == from_state
    assert RequestEvent.all_parks.filter(request=request).count() == events


@pytest.mark.parametrize(("from_state", "to_state"), BY_QUOTE)
def test_a_change_a_quote_makes_is_refused_when_asked_directly(
    centre, frozen, from_state, to_state
):
    request = centre.to_state(from_state)
    with pytest.raises(ValidationError) as excinfo:
        _move(centre, request, to_state, "manager")
    assert "through its quote" in " ".join(_refusal(excinfo)["to_state"])
    request.refresh_from_db()
    assert request.state == from_state


def test_charged_is_reached_only_by_charging(centre, frozen):
    request = centre.to_state("accepted")
    with pytest.raises(ValidationError) as excinfo:
        _move(centre, request, "charged", "manager")
    assert "when it is charged" in " ".join(_refusal(excinfo)["to_state"])
    request.refresh_from_db()
    assert request.state == "accepted"


@pytest.mark.parametrize("held_from", sorted(HOLDABLE))
def test_a_request_on_hold_resumes_to_where_it_was_and_nowhere_else(centre, frozen, held_from):
    request = centre.to_state(held_from)
    _move(centre, request, RequestState.ON_HOLD, "manager", "Ждём образцы")
    request.refresh_from_db()
    assert (request.state, request.held_from) == ("on_hold", held_from)
    for other in STATES:
        if other == held_from:
            continue
        with pytest.raises(ValidationError):
            _move(centre, request, other, "manager")
    _move(centre, request, held_from, "manager", "")
    request.refresh_from_db()
    assert (request.state, request.held_from) == (held_from, "")


def test_a_refusal_that_needs_a_reason_asks_for_it(centre, frozen):
    request = centre.to_state("submitted")
    with pytest.raises(ValidationError) as excinfo:
        _move(centre, request, "rejected", "manager", reason="  ")
    assert "reason" in _refusal(excinfo)
    request.refresh_from_db()
    assert request.state == "submitted"


def test_an_unassigned_engineer_may_not_move_a_request_an_assigned_one_may(centre, frozen):
    request = centre.to_state("submitted")
    with pytest.raises(ValidationError):
        _move(centre, request, "triaged", centre.other_engineer)
    _move(centre, request, "triaged", centre.engineer)
    request.refresh_from_db()
    assert request.state == "triaged"


def test_acceptance_gets_an_act_number_and_goes_to_the_audit_chain(centre, frozen):
    request = centre.to_state("accepted")
    assert request.act_number == "АКТ-2026-0001"
    entry = AuditEntry.objects.get(action="engineering.request_accepted")
    assert entry.target_id == str(request.pk)
    assert entry.after["act_number"] == "АКТ-2026-0001"


def test_a_refusal_is_translated(centre, frozen):
    from django.utils import translation

    request = centre.to_state("submitted")
    with translation.override("ru"), pytest.raises(ValidationError) as excinfo:
        _move(centre, request, "delivered", "manager")
    with translation.override("ru"):
        message = " ".join(_refusal(excinfo)["to_state"])
    assert "«" in message and "cannot" not in message
