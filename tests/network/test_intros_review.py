"""The review's findings on introductions, each pinned: only the network's roles open, answer
and withdraw one (F1); contacts at acceptance go to whoever still acts for the company (F2);
hidden profiles take requests from nobody (F3); an overdue request no longer counts as waiting,
is not withdrawn, and is shown as expired before the sweep (F5); an empty POST shows its errors;
Russian plurals (F6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from technopark.companies.models import TeamMember
from technopark.core.fragments import writes
from technopark.network import rules
from technopark.network.models import Introduction, IntroStatus, Visibility
from technopark.network.services import intros
from technopark.parks.models import Membership, Role
from tests.factories import MembershipFactory, TeamMemberFactory, UserFactory
from tests.network.conftest import NOW

pytestmark = pytest.mark.django_db

PAGES = "/yakutia/network"
API = "/api/v1/parks/yakutia/network/introductions"
NOTE = "Ищем инвестора посевной стадии для датчиков мерзлоты."


def ask(net: Any, *, profile: Any = None, by: Any = "founder", now: Any = NOW) -> Introduction:
    return intros.intro_request(
        access=net.access(by),
        company=net.world.company,
        profile=profile or net.investor_profile,
        note=NOTE,
        now=now,
    )


def revoke(park: Any, **which: Any) -> None:
    """Delete memberships as the park's services do: with the memberships topic touched, so
    the cached roles are read again."""
    Membership.all_parks.filter(park=park, **which).delete()
    writes("memberships", park_id=park.pk)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- F1: no network role, no introduction ------------------------------------------------------


def test_an_observer_in_the_team_does_not_see_the_introduction_nor_its_contacts(
    net: Any, frozen: Any
) -> None:
    observer = net.world.users["observer"]
    TeamMemberFactory(company=net.world.company, user=observer, acts_for_company=False)
    intro = ask(net)
    intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    intro = Introduction.all_parks.select_related("profile").get(pk=intro.pk)
    assert not rules.can_view_intro(net.access(observer), intro, {net.world.company.pk})
    assert not rules.can_see_intro_contacts(net.access(observer), intro, {net.world.company.pk})
    response = signed_in(observer).get(f"{PAGES}/introductions/{intro.pk}/")
    assert response.status_code == 404
    assert b"investor@example.org" not in response.content


def test_a_founder_whose_membership_was_deleted_neither_opens_nor_withdraws(
    net: Any, frozen: Any
) -> None:
    founder = net.world.users["founder"]
    intro = ask(net)
    revoke(net.world.park, user=founder)
    client = signed_in(founder)
    assert client.get(f"{PAGES}/introductions/{intro.pk}/").status_code == 404
    assert client.post(f"{PAGES}/introductions/{intro.pk}/withdraw/").status_code == 404
    with pytest.raises(ValidationError) as refused:
        intros.intro_withdraw(access=net.access(founder), intro=intro, now=NOW)
    assert refused.value.code == "forbidden"
    intro.refresh_from_db()
    assert intro.status == IntroStatus.REQUESTED


def test_a_holder_whose_role_was_revoked_no_longer_answers(net: Any, frozen: Any) -> None:
    intro = ask(net)
    revoke(net.world.park, user=net.investor, role=Role.INVESTOR)
    intro = Introduction.all_parks.select_related("profile").get(pk=intro.pk)
    assert not rules.can_answer_intro(net.access("investor"), intro)
    with pytest.raises(ValidationError) as refused:
        intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    assert refused.value.code == "forbidden"
    response = signed_in(net.investor).post(f"{PAGES}/introductions/{intro.pk}/accept/")
    assert response.status_code == 404
    intro.refresh_from_db()
    assert intro.status == IntroStatus.REQUESTED


def test_a_holder_with_the_role_but_an_inactive_profile_no_longer_answers(net: Any) -> None:
    intro = ask(net)
    net.investor_profile.is_active = False
    net.investor_profile.save()
    for answer in (
        lambda: intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW),
        lambda: intros.intro_decline(
            access=net.access("investor"), intro=intro, reason="too_early", answer="", now=NOW
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            answer()
        assert refused.value.code == "forbidden"
    intro.refresh_from_db()
    assert intro.status == IntroStatus.REQUESTED


# --- F2: the contacts go to whoever still acts for the company ---------------------------------


def test_a_requester_who_left_the_company_does_not_get_the_contacts(
    net: Any, django_capture_on_commit_callbacks: Any
) -> None:
    founder = net.world.users["founder"]
    successor = UserFactory(email="successor@example.org")
    MembershipFactory(park=net.world.park, user=successor, role=Role.FOUNDER)
    TeamMemberFactory(company=net.world.company, user=successor)
    intro = ask(net)
    TeamMember.objects.filter(user=founder, company=net.world.company).update(
        acts_for_company=False
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    assert not [m for m in mail.outbox if founder.email in m.to]
    to_successor = [m for m in mail.outbox if "successor@example.org" in m.to]
    assert len(to_successor) == 1 and "investor@example.org" in to_successor[0].body
    to_holder = [m for m in mail.outbox if "investor@example.org" in m.to]
    assert len(to_holder) == 1 and "successor@example.org" in to_holder[0].body


def test_no_one_acting_for_the_company_refuses_the_acceptance(net: Any) -> None:
    intro = ask(net)
    TeamMember.objects.filter(company=net.world.company).delete()
    with pytest.raises(ValidationError) as refused:
        intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    assert refused.value.error_dict["status"][0].code == "no_company_side"
    intro.refresh_from_db()
    assert intro.status == IntroStatus.REQUESTED


# --- F3: a hidden profile takes requests from nobody --------------------------------------------


def test_staff_acting_for_a_company_cannot_ask_a_hidden_profile(net: Any) -> None:
    manager = net.world.users["manager"]
    TeamMemberFactory(company=net.world.company, user=manager)
    net.investor_profile.visibility = Visibility.HIDDEN
    net.investor_profile.save()
    assert not rules.can_request_intro(
        net.access(manager), net.investor_profile, net.world.company.pk, {net.world.company.pk}
    )
    with pytest.raises(ValidationError) as refused:
        ask(net, by="manager")
    assert "profile" in refused.value.error_dict
    assert not Introduction.all_parks.exists()


# --- F5: an overdue request is over even before the sweep --------------------------------------


def test_an_overdue_request_expires_before_the_company_asks_again(
    net: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old = ask(net, now=NOW - timedelta(days=15))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = ask(net)
    old.refresh_from_db()
    assert old.status == IntroStatus.EXPIRED
    assert again.status == IntroStatus.REQUESTED
    founder = net.world.users["founder"].email
    assert len([m for m in mail.outbox if founder in m.to]) == 1  # the expiry e-mail


def test_overdue_requests_do_not_count_towards_the_open_limit(net: Any) -> None:
    from tests.network.conftest import make_profile

    for index in range(intros.OPEN_LIMIT):
        holder = UserFactory()
        MembershipFactory(park=net.world.park, user=holder, role=Role.INVESTOR)
        profile = make_profile(net.world.park, holder, "investor", headline=f"Investor {index}")
        ask(net, profile=profile, now=NOW - timedelta(days=15))
    assert ask(net).status == IntroStatus.REQUESTED
    assert Introduction.all_parks.filter(status=IntroStatus.EXPIRED).count() == intros.OPEN_LIMIT


def test_an_overdue_request_is_not_withdrawn_and_shows_as_expired(net: Any, frozen: Any) -> None:
    old = ask(net, now=NOW - timedelta(days=15))
    with pytest.raises(ValidationError) as refused:
        intros.intro_withdraw(access=net.access("founder"), intro=old, now=NOW)
    assert refused.value.error_dict["status"][0].code == "expired"
    client = signed_in(net.world.users["founder"])
    with translation.override("ru"):
        detail = client.get(f"{PAGES}/introductions/{old.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
        listing = client.get(f"{PAGES}/introductions/?side=sent", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Истекло" in detail.content.decode()
    assert "Ждёт ответа" not in detail.content.decode()
    assert "Истекло" in listing.content.decode()
    body = client.get(f"{API}/{old.pk}").json()
    assert body["status"] == "expired"
    old.refresh_from_db()
    assert old.status == IntroStatus.REQUESTED  # shown so; the sweep writes it


# --- the request form: an empty POST is a POST --------------------------------------------------


def test_an_empty_post_shows_the_forms_errors(net: Any) -> None:
    client = signed_in(net.world.users["founder"])
    response = client.post(f"{PAGES}/people/{net.investor_profile.pk}/introduce/")
    assert response.status_code == 400
    assert response.context["form"].errors
    assert "note" in response.context["form"].errors
    assert not Introduction.all_parks.exists()


# --- F6: Russian plurals ------------------------------------------------------------------------


@pytest.mark.parametrize(("limit", "words"), [(2, "2 знакомства"), (5, "5 знакомств")])
def test_the_monthly_capacity_message_agrees_with_its_number(
    net: Any, limit: int, words: str
) -> None:
    net.investor_profile.intros_per_month = limit
    net.investor_profile.save()
    companies = []
    for _ in range(limit + 1):
        from tests.factories import CompanyFactory

        company = CompanyFactory(park=net.world.park)
        user = UserFactory()
        MembershipFactory(park=net.world.park, user=user, role=Role.FOUNDER)
        TeamMemberFactory(company=company, user=user)
        companies.append(
            intros.intro_request(
                access=net.access(user),
                company=company,
                profile=net.investor_profile,
                note=NOTE,
                now=NOW,
            )
        )
    for intro in companies[:limit]:
        intros.intro_accept(access=net.access("investor"), intro=intro, now=NOW)
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        intros.intro_accept(access=net.access("investor"), intro=companies[limit], now=NOW)
    message = refused.value.error_dict["profile"][0].messages[0]
    assert words in message, message
