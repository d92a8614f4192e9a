"""Writes to parks, sites, directions and memberships: what each refuses, and what it marks stale."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from technopark.core.fragments import topic_tokens
from technopark.parks import services
from technopark.parks.models import Membership, MembershipStatus, Park, Role
from tests.factories import DirectionFactory, MembershipFactory, ParkFactory, UserFactory


def version(park: Park) -> tuple[str, ...]:
    """The park's tokens of the topics its own services write."""
    return topic_tokens(park.pk, ("parks", "memberships"))


def test_directions_have_two_levels(db):
    park = ParkFactory()
    it = services.direction_create(park=park, code="it", name="ИТ")
    games = services.direction_create(park=park, code="games", name="Игры", parent=it)
    assert games.parent == it
    with pytest.raises(ValidationError) as error:
        services.direction_create(park=park, code="mobile-games", name="Мобильные", parent=games)
    assert "parent" in error.value.message_dict
    assert not park.directions.filter(code="mobile-games").exists()


def test_a_parent_direction_must_be_of_the_same_park(db):
    park, other = ParkFactory(), ParkFactory()
    foreign = DirectionFactory(park=other)
    with pytest.raises(ValidationError) as error:
        services.direction_create(park=park, code="x", name="X", parent=foreign)
    assert "parent" in error.value.message_dict


def test_direction_codes_are_unique_within_a_park_only(db):
    park, other = ParkFactory(), ParkFactory()
    services.direction_create(park=park, code="it", name="ИТ")
    services.direction_create(park=other, code="it", name="ИТ")
    with pytest.raises(ValidationError):
        services.direction_create(park=park, code="it", name="Другое")


def test_a_site_takes_the_park_time_zone_unless_given(db):
    park = ParkFactory(time_zone="Asia/Yakutsk")
    assert services.site_create(park=park, name="A", address="x").time_zone == "Asia/Yakutsk"
    branch = services.site_create(park=park, name="B", address="y", time_zone="Asia/Magadan")
    assert branch.time_zone == "Asia/Magadan"
    with pytest.raises(ValidationError):
        services.site_create(park=park, name="C", address="z", time_zone="Mars/Olympus")


def test_unknown_region_or_time_zone_refuses_a_park(db):
    with pytest.raises(ValidationError):
        services.park_create(name="X", slug="x", region="00")
    with pytest.raises(ValidationError):
        services.park_create(name="X", slug="x", region="14", time_zone="Nowhere/City")
    assert not Park.objects.filter(slug="x").exists()


def test_writes_that_change_the_pages_renew_the_version(db, django_capture_on_commit_callbacks):
    park = ParkFactory()
    person = UserFactory()
    seen = {version(park)}
    for write in (
        lambda: services.site_create(park=park, name="A", address="x"),
        lambda: services.direction_create(park=park, code="it", name="ИТ"),
        lambda: services.membership_grant(park=park, user=person, role=Role.MENTOR),
        lambda: services.membership_request(park=park, user=UserFactory()),
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            write()
            renewed_inside = version(park)
        assert callbacks, "the token is renewed again on commit"
        # Each write renews the token of its topic (sites and directions: parks; the rest:
        # memberships), so the pair of tokens is new inside the transaction and after it.
        assert renewed_inside not in seen
        assert version(park) not in seen | {renewed_inside}
        seen |= {renewed_inside, version(park)}


def test_a_join_request_is_approved_once(db):
    park, person, manager = ParkFactory(), UserFactory(), UserFactory()
    request = services.membership_request(park=park, user=person, message="Здравствуйте")
    assert request.status == MembershipStatus.REQUESTED
    approved = services.membership_approve(membership=request, actor=manager)
    assert (approved.status, approved.decided_by) == (MembershipStatus.ACTIVE, manager)
    with pytest.raises(ValidationError):
        services.membership_approve(membership=request, actor=manager)
    with pytest.raises(ValidationError):
        services.membership_request(park=park, user=person)


def test_a_private_park_takes_no_join_requests(db):
    park = ParkFactory(is_public=False)
    with pytest.raises(PermissionDenied):
        services.membership_request(park=park, user=UserFactory())
    assert not Membership.all_parks.filter(park=park).exists()


def test_granting_a_role_twice_changes_nothing(db):
    park, person = ParkFactory(), UserFactory()
    first = services.membership_grant(park=park, user=person, role=Role.EXPERT)
    second = services.membership_grant(park=park, user=person, role=Role.EXPERT)
    assert first.pk == second.pk
    assert Membership.all_parks.filter(park=park, user=person).count() == 1
    with pytest.raises(ValidationError):
        services.membership_grant(park=park, user=person, role="overlord")


def test_the_last_park_admin_stays(db):
    park = ParkFactory()
    only_admin = MembershipFactory(park=park, role=Role.PARK_ADMIN)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=only_admin, actor=only_admin.user)
    assert Membership.all_parks.filter(pk=only_admin.pk).exists()
    second = MembershipFactory(park=park, role=Role.PARK_ADMIN)
    services.membership_remove(membership=only_admin, actor=second.user)
    assert not Membership.all_parks.filter(pk=only_admin.pk).exists()
