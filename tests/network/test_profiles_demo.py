"""The demo network: sixty mentors and more from many countries, made through the services, and
a second run changes nothing."""

from __future__ import annotations

from technopark.demo import data
from technopark.demo.network import seed_network
from technopark.network.models import Need, Profile, ProfileKind
from technopark.parks.models import Direction, Role
from tests.factories import MembershipFactory, UserFactory


def test_the_demo_network(world):
    park = world.park
    for spec in data.YAKUTIA_DIRECTIONS[1:6]:
        Direction.all_parks.create(park=park, code=spec.code, name=spec.name, name_en=spec.name_en)
    accounts = {"manager": world.users["manager"], "founder": world.users["founder"]}
    for role in (Role.MENTOR, Role.INVESTOR, Role.CUSTOMER, Role.PARTNER):
        accounts[str(role)] = UserFactory(email=f"demo.{role}@example.org")
        MembershipFactory(park=park, user=accounts[str(role)], role=role)

    seed_network(park, accounts=accounts)

    mentors = Profile.all_parks.filter(park=park, kind=ProfileKind.MENTOR)
    assert mentors.count() >= 60
    assert mentors.values("country").distinct().count() >= 5
    assert mentors.values("time_zone").distinct().count() >= 10
    assert mentors.filter(user=accounts["mentor"]).exists()
    assert Profile.all_parks.filter(park=park, kind=ProfileKind.INVESTOR).count() >= 8
    assert Profile.all_parks.filter(park=park, kind=ProfileKind.CUSTOMER).count() >= 6
    assert Profile.all_parks.filter(
        park=park, kind=ProfileKind.CUSTOMER, pilot_budget__gt=0
    ).exists()
    assert Need.all_parks.filter(park=park, company=world.company).exists()
    # every mentor has the directions of the park, the sah language is spoken in Yakutsk
    assert not mentors.filter(directions=None).exists()
    assert mentors.filter(time_zone="Asia/Yakutsk", languages__contains="sah").exists()

    before = Profile.all_parks.count(), Need.all_parks.count()
    seed_network(park, accounts=accounts)
    assert (Profile.all_parks.count(), Need.all_parks.count()) == before
