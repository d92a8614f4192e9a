"""The award page offers Approve and Pay only to those the park's segregation of duties lets
act: the page asks the policy's own rule (``GrantPolicy.approval_refusal`` /
``payment_refusal``), the same one the services refuse with."""

from __future__ import annotations

import pytest
from django.urls import reverse

from technopark.grants import services
from technopark.grants.models import GrantPolicy, Tranche, TrancheStatus
from tests.grants.factories import accept_report, make_award

pytestmark = pytest.mark.django_db

APPROVE = 'action="{}"'
PAY_FORM = 'class="pay-form"'


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"park_slug": "yakutia", **kwargs})


def _page(client_for, role, award):
    response = client_for(role).get(url("detail", pk=award.pk))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def one_tranche(world, participant, requester):
    award = make_award(participant, world.users["manager"], tranches=("1000.00",))
    return award, award.tranches.get()


def _approve_action(award, tranche):
    return APPROVE.format(url("tranche_approve", pk=award.pk, tranche_pk=tranche.pk))


@pytest.mark.parametrize(
    ("role", "offered"),
    [("officer", False), ("manager", True), ("park_admin", True), ("accountant", True)],
)
def test_approve_is_not_offered_to_the_requester(
    world, client_for, admin, accountant, one_tranche, role, offered
):
    award, tranche = one_tranche
    body = _page(client_for, role, award)
    assert (_approve_action(award, tranche) in body) is offered
    assert ('data-testid="approve-refused"' in body) is not offered
    if not offered:
        assert "You requested this tranche, so you cannot approve it" in body


@pytest.mark.parametrize(
    ("role", "offered"),
    [("officer", False), ("manager", False), ("park_admin", False), ("accountant", True)],
)
def test_pay_is_offered_only_to_someone_who_neither_requested_nor_approved(
    world, client_for, admin, accountant, one_tranche, role, offered
):
    award, tranche = one_tranche
    accept_report(tranche.milestone)
    services.tranche_approve(tranche=tranche, actor=world.users["manager"])
    services.tranche_approve(tranche=tranche, actor=admin)
    body = _page(client_for, role, award)
    assert (PAY_FORM in body) is offered
    assert ('data-testid="pay-refused"' in body) is not offered


def test_without_segregation_of_duties_everyone_on_the_staff_is_offered_both(
    world, client_for, admin, accountant, one_tranche
):
    award, tranche = one_tranche
    GrantPolicy.objects.create(park=world.park, segregation_of_duties=False)
    assert _approve_action(award, tranche) in _page(client_for, "officer", award)
    accept_report(tranche.milestone)
    services.tranche_approve(tranche=tranche, actor=world.users["officer"])
    services.tranche_approve(tranche=tranche, actor=admin)
    assert PAY_FORM in _page(client_for, "officer", award)


def test_a_refused_approval_posted_anyway_changes_nothing(
    world, client_for, requester, one_tranche
):
    award, tranche = one_tranche
    response = client_for("officer").post(
        url("tranche_approve", pk=award.pk, tranche_pk=tranche.pk)
    )
    assert response.status_code == 400
    assert "You requested this tranche, so you cannot approve it" in response.content.decode()
    tranche = Tranche.objects.get(pk=tranche.pk)
    assert tranche.status == TrancheStatus.REQUESTED
    assert not tranche.approvals.exists()


def test_the_page_and_the_service_give_the_same_reason(world, requester, one_tranche):
    """One rule, two readers: the text on the page is the service's refusal."""
    _award, tranche = one_tranche
    policy = GrantPolicy.for_park(world.park)
    with pytest.raises(Exception) as refused:
        services.tranche_approve(tranche=tranche, actor=requester)
    assert str(policy.approval_refusal(requested_by_id=requester.pk, actor_id=requester.pk)) in (
        " ".join(refused.value.messages)
    )
