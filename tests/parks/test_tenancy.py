"""Park scoping: inside a park, another park's rows are not found; the national view sees all."""

from __future__ import annotations

import pytest

from technopark.companies.models import Company
from technopark.parks.tenancy import active_park, park_scope


def test_default_manager_sees_only_the_active_park(world):
    with park_scope(world.park):
        names = set(Company.objects.values_list("short_name", flat=True))
        assert "Колыма Софт" not in names
        assert {"Северный код", "Мерзлота Лаб"} <= names
        with pytest.raises(Company.DoesNotExist):
            Company.objects.get(pk=world.foreign_company.pk)
    assert active_park() is None


def test_all_parks_manager_sees_every_park(world):
    with park_scope(world.park):
        assert Company.all_parks.filter(pk=world.foreign_company.pk).exists()


def test_scope_is_lifted_after_the_block(world):
    with park_scope(world.other_park):
        assert list(Company.objects.values_list("short_name", flat=True)) == ["Колыма Софт"]
    assert Company.objects.count() == 3


def test_unknown_park_is_404(client_for):
    assert client_for("manager").get("/no-such-park/").status_code == 404


def test_private_park_is_404_to_non_members(world, client_for):
    world.other_park.is_public = False
    world.other_park.save()
    assert client_for("anonymous").get("/kolyma/").status_code == 404
    assert client_for("manager").get("/kolyma/").status_code == 404
    assert client_for("outsider").get("/kolyma/").status_code == 200


def test_request_scope_ends_with_the_request(client_for):
    client_for("manager").get("/yakutia/")
    assert active_park() is None
