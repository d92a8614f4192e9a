"""Prepared reads: compiled once, re-run with each call's values, same answers as the ORM."""

from __future__ import annotations

from technopark.parks import queries
from technopark.parks.models import Park, Role
from technopark.parks.prepared import PreparedRead
from tests.factories import MembershipFactory, ParkFactory, UserFactory


def test_a_prepared_read_answers_like_the_orm_for_every_value(db, django_assert_num_queries):
    parks = [ParkFactory(slug=f"p{n}") for n in range(3)]
    read = PreparedRead(lambda slug: Park.objects.filter(slug=slug).order_by(), slug="\x00s\x00")
    for park in parks:
        with django_assert_num_queries(1):
            (found,) = read.objects(slug=park.slug)
        assert (found.pk, found.name, found.slug) == (park.pk, park.name, park.slug)
    assert read.objects(slug="missing") == []


def test_roles_and_parks_of_a_person(db):
    park, other = ParkFactory(), ParkFactory()
    person = UserFactory()
    MembershipFactory(park=park, user=person, role=Role.MENTOR)
    MembershipFactory(park=park, user=person, role=Role.EXPERT, status="requested")
    MembershipFactory(park=other, user=UserFactory(), role=Role.MANAGER)
    assert sorted(queries.roles_in_park(park=park, user=person)) == [
        ("expert", "requested"),
        ("mentor", "active"),
    ]
    assert queries.roles_in_park(park=other, user=person) == []
    assert [p.pk for p in queries.parks_for_switcher(user=person)] == [park.pk]
    assert queries.park_by_slug(slug=park.slug).pk == park.pk
    assert queries.park_by_slug(slug="nope") is None
