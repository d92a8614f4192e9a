"""The engineering predicates as role matrices: who sees a request (the NDA rule), who works on
it, who answers its quotes, who sets the catalogue up."""

from __future__ import annotations

import pytest

from technopark.engineering import queries, rules
from technopark.engineering.models import ServiceRequest
from tests.engineering.conftest import NOW

pytestmark = pytest.mark.django_db

PEOPLE = (
    "founder",
    "other_founder",
    "manager",
    "expert",
    "observer",
    "outsider",
    "engineer",
    "other_engineer",
)


def _loaded(request):
    return queries.request_in_park(park=request.park, pk=request.pk)


def _member_ids(centre, who):
    return queries.member_company_ids(park=centre.world.park, user=centre.world.users[who])


VIEW = {
    # (confidential, assigned to the engineer) → who sees it
    (False, True): {"founder", "manager", "engineer", "other_engineer"},
    (True, True): {"founder", "manager", "engineer"},
    (True, False): {"founder", "manager"},
}


@pytest.mark.parametrize(("confidential", "assigned"), sorted(VIEW))
@pytest.mark.parametrize("who", PEOPLE)
def test_who_sees_a_request(centre, frozen, who, confidential, assigned):
    request = centre.request(confidential=confidential)
    if assigned:
        centre.assign(request)
    request = _loaded(request)
    seen = rules.can_view_request(centre.access(who), request, _member_ids(centre, who))
    assert seen == (who in VIEW[(confidential, assigned)])
    # The lists say the same as the predicate (the NDA rule in SQL).
    access = centre.access(who)
    listed = queries.visible_requests(
        park=centre.world.park,
        user=centre.world.users[who],
        sees_all=rules.can_see_all_requests(access),
        is_engineer=rules.is_engineer(access),
        company_ids=_member_ids(centre, who),
    )
    assert listed.filter(pk=request.pk).exists() == seen


def test_a_request_of_another_park_is_seen_by_nobody_here(centre, frozen):
    foreign = ServiceRequest.all_parks.create(
        park=centre.world.other_park,
        company=centre.world.foreign_company,
        title="Чужая",
        description="—",
        created_by=centre.world.users["outsider"],
        created_at=NOW,
        changed_at=NOW,
    )
    for who in PEOPLE:
        assert not rules.can_view_request(centre.access(who), foreign, _member_ids(centre, who))


WORKS_ON = {"manager", "engineer"}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_works_on_a_request_and_who_answers_its_quotes(centre, frozen, who):
    request = centre.to_state("quoted")
    request = _loaded(request)
    quote = request.quotes.get()
    access = centre.access(who)
    acting = queries.acting_company_ids(park=centre.world.park, user=centre.world.users[who])
    assert rules.works_on(access, request) == (who in WORKS_ON)
    assert rules.can_edit_quotes(access, request) == (who in WORKS_ON)
    assert rules.can_answer_quote(access, quote, request, acting) == (who == "founder")
    assert rules.can_assign(access, request) == (who == "manager")
    assert rules.can_configure_catalogue(access) == (who == "manager")
    assert rules.can_work_requests(access) == (who in {"manager", "engineer", "other_engineer"})
    assert rules.can_request_services(access) == (who in {"founder", "other_founder", "manager"})


def test_the_buttons_follow_the_table(centre, frozen):
    request = _loaded(centre.to_state("delivered"))
    acting = queries.acting_company_ids(park=centre.world.park, user=centre.world.users["founder"])
    assert rules.transitions_for(centre.access("founder"), request, acting) == [
        "in_work",
        "accepted",
    ]
    assert rules.transitions_for(centre.access("manager"), request, set()) == ["on_hold"]
    assert rules.transitions_for(centre.access("other_engineer"), request, set()) == []
