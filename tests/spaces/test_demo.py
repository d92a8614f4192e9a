"""The spaces demo: resources on every site, certificates, a month of bookings, a waitlist;
a second run changes nothing."""

from __future__ import annotations

import pytest

from technopark.demo.seed import seed_demo
from technopark.demo.spaces import seed_spaces
from technopark.spaces.models import (
    Booking,
    BookingStatus,
    Certificate,
    Resource,
    WaitlistEntry,
)

pytestmark = pytest.mark.django_db


def counts():
    return (
        Resource.all_parks.count(),
        Booking.all_parks.count(),
        Certificate.all_parks.count(),
        WaitlistEntry.all_parks.count(),
    )


def test_seed_spaces_is_complete_and_idempotent(db):
    # seed_demo runs the residency seed first: the demo founder's company is a resident.
    result = seed_demo(yakutia_companies=6, magadan_companies=2)
    for park in result.parks.values():
        seed_spaces(park, accounts=result.accounts)
    first = counts()
    yakutia = result.parks["yakutia"]
    for site in yakutia.sites.all():
        assert Resource.all_parks.filter(site=site).count() == 11
    assert Booking.all_parks.filter(park=yakutia).count() > 100
    assert Booking.all_parks.filter(status=BookingStatus.RELEASED).exists()
    assert Booking.all_parks.filter(status=BookingStatus.CHECKED_IN).exists()
    founder_certs = Certificate.all_parks.filter(user__email="founder@demo.technopark")
    assert [c.resource.name for c in founder_certs] == ["ПЦР-амплификатор"]
    assert WaitlistEntry.all_parks.filter(user__email="founder@demo.technopark").count() == 1
    for park in result.parks.values():
        seed_spaces(park, accounts=result.accounts)
    assert counts() == first
