"""``manage.py generate_park``: the benchmark's bulk generator keeps the services' guarantees."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from technopark.companies.models import Company
from technopark.companies.validators import is_valid_inn, is_valid_ogrn, validate_inn_ogrn_pair
from tests.factories import (
    CompanyFactory,
    DirectionFactory,
    MembershipFactory,
    ParkFactory,
    SiteFactory,
)


@pytest.fixture
def park(db: Any) -> Any:
    park = ParkFactory(slug="big", region="14")
    SiteFactory(park=park)
    it = DirectionFactory(park=park, code="it")
    DirectionFactory(park=park, code="it-cloud", parent=it)
    DirectionFactory(park=park, code="energy-saving")
    park.existing = CompanyFactory(park=park)  # one company already there, without directions
    return park


def generate(total: int, park: str = "big") -> str:
    out = StringIO()
    call_command("generate_park", "--park", park, "--companies", str(total), stdout=out)
    return out.getvalue()


def test_grows_the_park_to_the_total_once(park: Any) -> None:
    generate(120)
    assert Company.all_parks.filter(park=park).count() == 120

    generate(120)
    assert Company.all_parks.filter(park=park).count() == 120


def test_generated_companies_are_valid_and_searchable(park: Any) -> None:
    generate(60)

    companies = Company.all_parks.filter(park=park).prefetch_related("directions")
    assert len({c.inn for c in companies}) == 60
    for company in companies:
        assert is_valid_inn(company.inn) and is_valid_ogrn(company.ogrn)
        validate_inn_ogrn_pair(company.inn, company.ogrn)
        assert (
            company.search_text
            == " ".join(
                (company.short_name, company.legal_name, company.inn, company.ogrn)
            ).casefold()
        )
        assert company.site is None or company.site.park_id == park.pk
        assert {d.park_id for d in company.directions.all()} <= {park.pk}
    generated = [c for c in companies if c.pk != park.existing.pk]
    assert all(1 <= len(c.directions.all()) <= 3 for c in generated)


def test_refuses_an_unknown_park(db: Any) -> None:
    with pytest.raises(CommandError):
        generate(10, park="nowhere")


def test_the_planner_statistics_count_what_was_generated_last(park: Any) -> None:
    # The companies' step analyses every table; the final ANALYZE gives the tables the later
    # steps grew (bookings here) their counts too, not those of an almost empty park.
    from django.db import connection

    from technopark.spaces.models import Booking

    if connection.vendor != "sqlite":
        pytest.skip("sqlite_stat1 is SQLite's; on PostgreSQL each step analyses what it grew")
    MembershipFactory(park=park)  # someone to book for
    out = StringIO()
    call_command(
        "generate_park",
        "--park",
        "big",
        "--companies",
        "40",
        "--resources",
        "3",
        "--bookings",
        "60",
        stdout=out,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [Booking._meta.db_table])
        counts = {int(stat.split()[0]) for (stat,) in cursor.fetchall()}
    assert counts == {Booking.all_parks.count()} and Booking.all_parks.count() >= 60
    assert "statistics gathered" in out.getvalue()
