"""Review fixes: a team row alone makes nobody a side of a mentoring pair, and a profile hidden
after it was bookmarked leaves the company's bookmarks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from technopark.core.scopes import park_scope
from technopark.network.models import PairingSource, Visibility
from technopark.network.queries.profiles import bookmarks_of
from technopark.network.services import mentoring, pairings
from technopark.network.services.profiles import bookmark_add
from technopark.parks.models import Role
from tests.factories import MembershipFactory, TeamMemberFactory, UserFactory
from tests.network.conftest import DAY, NOW

pytestmark = pytest.mark.django_db


def _pairing_with_notes(net: Any) -> Any:
    pairing = pairings.pairing_open(
        profile=net.mentor_profile,
        company=net.world.company,
        source=PairingSource.STAFF,
        by=net.world.users["manager"],
        now=NOW,
    )
    with park_scope(net.world.park):
        mentoring.session_log(
            access=net.access("mentor"),
            pairing=pairing,
            held_on=DAY,
            duration_minutes=60,
            format="online",
            topics="Unit economics",
            notes="SECRET-NOTE",
            rating=None,
            now=NOW,
        )
    return pairing


@pytest.mark.parametrize("role", [Role.ENGINEER, None])
def test_a_team_mate_outside_the_network_is_no_side(net: Any, frozen: Any, role: Any) -> None:
    pairing = _pairing_with_notes(net)
    stranger = UserFactory(email="teammate@example.org")
    if role is not None:
        MembershipFactory(park=net.world.park, user=stranger, role=role)
    TeamMemberFactory(company=net.world.company, user=stranger, acts_for_company=False)
    client = Client()
    client.force_login(stranger)
    slug = net.world.park.slug
    page = client.get(reverse("network:pairing", kwargs={"park_slug": slug, "pk": pairing.pk}))
    assert page.status_code == 404
    assert b"SECRET-NOTE" not in page.content
    api = client.get(f"/api/v1/parks/{slug}/network/pairings/{pairing.pk}/sessions")
    assert api.status_code == 404
    assert b"SECRET-NOTE" not in api.content
    # The founder, a side in the network, still sees the pair's notes.
    founder = Client()
    founder.force_login(net.world.users["founder"])
    seen = founder.get(reverse("network:pairing", kwargs={"park_slug": slug, "pk": pairing.pk}))
    assert seen.status_code == 200 and b"SECRET-NOTE" in seen.content


def test_a_hidden_profile_leaves_the_bookmarks(net: Any) -> None:
    with park_scope(net.world.park):
        bookmark_add(
            access=net.access("founder"),
            company=net.world.company,
            profile=net.investor_profile,
            now=NOW,
        )
        ids = [net.world.company.pk]
        assert [b.profile_id for b in bookmarks_of(park=net.world.park, company_ids=ids)] == [
            net.investor_profile.pk
        ]
        net.investor_profile.visibility = Visibility.HIDDEN
        net.investor_profile.save()
        assert list(bookmarks_of(park=net.world.park, company_ids=ids)) == []
