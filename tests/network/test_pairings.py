"""Pairings open under the mentor's capacity and end once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from technopark.network.models import PairingSource, PairingStatus, ProfileKind
from technopark.network.services import pairings
from tests.factories import CompanyFactory
from tests.network.conftest import NOW, make_profile

pytestmark = pytest.mark.django_db


def _open(net: Any, company: Any, profile: Any = None) -> Any:
    return pairings.pairing_open(
        profile=profile or net.mentor_profile,
        company=company,
        source=PairingSource.STAFF,
        by=net.world.users["manager"],
        now=NOW,
    )


def test_capacity_is_never_exceeded(net: Any) -> None:
    _open(net, net.world.company)
    _open(net, net.world.other_company)
    third = CompanyFactory(park=net.world.park)
    with pytest.raises(ValidationError) as refused:
        _open(net, third)
    assert refused.value.error_dict["profile"][0].code == "capacity"


def test_the_same_pair_is_active_once_and_an_ended_place_returns(net: Any) -> None:
    first = _open(net, net.world.company)
    with pytest.raises(ValidationError) as refused:
        _open(net, net.world.company)
    assert refused.value.error_dict["company"][0].code == "duplicate"
    ended = pairings.pairing_end(pairing=first, by=net.mentor, now=NOW, reason="done")
    assert ended.status == PairingStatus.ENDED and ended.ended_at == NOW
    with pytest.raises(ValidationError):
        pairings.pairing_end(pairing=first, by=net.mentor, now=NOW)
    again = _open(net, net.world.company)
    assert again.status == PairingStatus.ACTIVE


def test_only_an_active_mentor_of_the_park_is_paired(net: Any) -> None:
    with pytest.raises(ValidationError):
        _open(net, net.world.company, profile=net.investor_profile)
    net.other_mentor_profile.is_active = False
    net.other_mentor_profile.save()
    with pytest.raises(ValidationError):
        _open(net, net.world.company, profile=net.other_mentor_profile)
    foreign = make_profile(net.world.other_park, net.mentor, ProfileKind.MENTOR)
    with pytest.raises(ValidationError):
        _open(net, net.world.company, profile=foreign)
