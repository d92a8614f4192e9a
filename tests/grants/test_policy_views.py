"""The grant policy page and the award's cancellation form: role matrices, what they show,
and their refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from technopark.audit.models import AuditEntry
from technopark.grants.models import GrantAward, GrantPolicy, TrancheStatus
from tests.conftest import ROLES
from tests.grants.factories import make_award, make_participant

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"park_slug": "yakutia", **kwargs})


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_the_policy_page(world, client_for, admin, role):
    client = client_for(role)
    page = client.get(url("policy"))
    change = client.post(url("policy"), {"segregation_of_duties": "on"})
    if role == "anonymous":
        assert (page.status_code, change.status_code) == (302, 302)
    elif role == "park_admin":
        assert page.status_code == 200 and 'id="policy-form"' in page.content.decode()
        assert change.status_code == 302
    elif role in {"manager", "observer"}:
        # Read-only: the rules and who changes them, no form.
        body = page.content.decode()
        assert page.status_code == 200 and 'id="policy-form"' not in body
        assert "Only the park's administrators change this policy." in body
        assert change.status_code == 403
    else:
        assert (page.status_code, change.status_code) == (403, 403)
    changed = GrantPolicy.objects.filter(park=world.park).first()
    if role == "park_admin":
        assert changed.as_dict() == {
            "pay_only_accepted_reports": False,
            "segregation_of_duties": True,
        }
    else:
        assert changed is None


def test_the_policy_page_is_linked_from_the_ledger_and_shows_the_rules(world, client_for, admin):
    listing = client_for("manager").get(url("list")).content.decode()
    assert f'href="{url("policy")}"' in listing
    page = client_for("observer").get(url("policy")).content.decode()
    assert page.count("On</dd>") == 0  # the state is followed by the rule's explanation
    assert 'data-testid="pay-only-accepted-reports">On' in page
    client_for("park_admin").post(url("policy"), {"pay_only_accepted_reports": "on"})
    page = client_for("observer").get(url("policy")).content.decode()
    assert 'data-testid="segregation-of-duties">Off' in page
    assert "Last changed" in page and "Park Admin" in page
    entry = AuditEntry.objects.get(action="grants.policy")
    assert entry.after == {"pay_only_accepted_reports": True, "segregation_of_duties": False}


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_the_award_cancellation(world, client_for, admin, award, role):
    response = client_for(role).post(
        url("award_cancel", pk=award.pk), {"reason": "Закрыт", "confirmed": "1"}
    )
    cancelled = GrantAward.all_parks.get(pk=award.pk).cancelled_at is not None
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")
        assert not cancelled
    elif role in {"manager", "park_admin"}:
        assert response.status_code == 302 and cancelled
    else:
        assert response.status_code == 403 and not cancelled


def test_another_parks_award_cannot_be_cancelled(world, client_for):
    foreign = make_award(
        make_participant(world.other_park, world.foreign_company), world.users["outsider"]
    )
    response = client_for("manager").post(url("award_cancel", pk=foreign.pk), {"reason": "x"})
    assert response.status_code == 404
    assert GrantAward.all_parks.get(pk=foreign.pk).cancelled_at is None


def test_cancelling_through_the_page(world, client_for, award):
    client = client_for("manager")
    page = client.get(url("detail", pk=award.pk)).content.decode()
    assert 'id="award-cancel-form"' in page
    empty = client.post(url("award_cancel", pk=award.pk), {"reason": ""})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    asked = client.post(url("award_cancel", pk=award.pk), {"reason": "Проект закрыт"})
    assert asked.status_code == 200 and 'data-testid="confirm"' in asked.content.decode()
    assert 'name="reason" value="Проект закрыт"' in asked.content.decode()
    assert GrantAward.all_parks.get(pk=award.pk).cancelled_at is None  # asking changed nothing
    done = client.post(
        url("award_cancel", pk=award.pk),
        {"reason": "Проект закрыт", "confirmed": "1"},
        follow=True,
    )
    body = done.content.decode()
    assert "The grant has been cancelled" in body
    assert 'data-testid="award-cancelled"' in body and "Проект закрыт" in body
    assert 'id="award-cancel-form"' not in body and 'id="tranche-form"' not in body
    assert set(award.tranches.values_list("status", flat=True)) == {TrancheStatus.CANCELLED}
    again = client.post(url("award_cancel", pk=award.pk), {"reason": "Ещё раз"})
    assert again.status_code == 400 and "already cancelled" in again.content.decode()
    founder_page = client_for("founder").get(url("detail", pk=award.pk)).content.decode()
    assert 'data-testid="award-cancelled"' in founder_page
