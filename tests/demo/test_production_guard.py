"""The demo commands refuse to run in production (TECHNOPARK_PRODUCTION=1): seed_demo would
create a platform administrator with the public demo password. An explicit flag overrides."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from technopark.accounts.models import User
from technopark.companies.models import Company
from technopark.parks.models import Park
from tests.factories import DirectionFactory, ParkFactory, SiteFactory


def _park() -> Park:
    park = ParkFactory(slug="yakutia", region="14")
    SiteFactory(park=park)
    DirectionFactory(park=park, code="it")
    return park


@pytest.mark.django_db
def test_seed_demo_refuses_in_production_and_changes_nothing(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=StringIO())
    message = str(refused.value)
    assert "TECHNOPARK_PRODUCTION=1" in message
    assert "demo password" in message
    assert "--allow-in-production" in message
    assert not Park.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_generate_park_refuses_in_production_and_changes_nothing(settings):
    settings.PRODUCTION = True
    _park()
    with pytest.raises(CommandError, match="--allow-in-production"):
        call_command("generate_park", "--park", "yakutia", "--companies", "5", stdout=StringIO())
    assert not Company.all_parks.exists()


@pytest.mark.django_db
def test_the_flag_lets_generate_park_run_in_production(settings):
    settings.PRODUCTION = True
    _park()
    out = StringIO()
    call_command(
        "generate_park",
        "--allow-in-production",
        "--park",
        "yakutia",
        "--companies",
        "5",
        stdout=out,
    )
    assert Company.all_parks.count() == 5


def test_the_flag_is_offered_by_both_commands():
    for command in ("seed_demo", "generate_park"):
        out = StringIO()
        with pytest.raises(SystemExit):
            call_command(command, "--help", stdout=out)


def test_the_flag_lets_seed_demo_run_in_production(settings, monkeypatch):
    from technopark.demo.management.commands import seed_demo

    class Seeded(Exception):
        pass

    def seeding() -> None:
        raise Seeded  # seeding itself is tested in test_seed; here only the guard

    settings.PRODUCTION = True
    monkeypatch.setattr(seed_demo, "seed_demo", seeding)
    with pytest.raises(Seeded):
        call_command("seed_demo", "--allow-in-production", stdout=StringIO())
