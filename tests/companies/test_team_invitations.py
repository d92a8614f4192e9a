"""Team seats wait for the person's consent: an open offer gives no rights and shows nowhere
public; only the invited person answers it, once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from technopark.companies import services
from technopark.companies.models import TeamChange, TeamInvitation, TeamMember
from technopark.companies.queries import companies_of_user


def _offer(world, email="observer@example.org"):
    return services.team_member_invite_by_email(
        company=world.company, email=email, position="Analyst", actor=world.users["founder"]
    )


def test_an_open_offer_gives_no_right_to_act_for_the_company(world, client_for):
    _offer(world, "other_founder@example.org")
    assert world.company not in companies_of_user(
        park=world.park, user=world.users["other_founder"]
    )
    response = client_for("other_founder").get(f"/yakutia/companies/{world.company.pk}/edit/")
    assert response.status_code == 403


def test_only_the_invited_person_accepts_and_only_once(world):
    offer = _offer(world)
    with pytest.raises(PermissionDenied):
        services.team_invitation_accept(invitation=offer, actor=world.users["founder"])
    assert not TeamMember.objects.filter(user=world.users["observer"]).exists()
    member = services.team_invitation_accept(invitation=offer, actor=world.users["observer"])
    assert (member.company, member.position) == (world.company, "Analyst")
    assert TeamChange.objects.get().kind == "joined"
    with pytest.raises(ValidationError):
        services.team_invitation_accept(invitation=offer, actor=world.users["observer"])
    with pytest.raises(ValidationError):
        services.team_invitation_decline(invitation=offer, actor=world.users["observer"])
    assert TeamMember.objects.filter(user=world.users["observer"]).count() == 1


def test_a_declined_offer_may_be_made_again(world):
    offer = _offer(world)
    services.team_invitation_decline(invitation=offer, actor=world.users["observer"])
    again = _offer(world)
    assert again.pk != offer.pk
    assert TeamInvitation.objects.filter(status="pending").count() == 1


def test_a_bad_answer_changes_nothing(world, client_for):
    offer = _offer(world)
    url = f"/yakutia/companies/{world.company.pk}/team/invitations/{offer.pk}/"
    response = client_for("observer").post(url, {"decision": "maybe"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "pending"
