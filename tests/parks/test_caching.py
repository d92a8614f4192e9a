"""Cached pieces live under the park's data version: a write makes the next read fresh."""

from __future__ import annotations

from django.utils import translation

from technopark.parks import caching, services
from technopark.parks.models import Park
from tests.factories import ParkFactory


def test_a_piece_is_built_once_per_version_and_language(db):
    park = ParkFactory()
    built: list[str] = []

    def build() -> str:
        built.append(translation.get_language())
        return f"piece {len(built)}"

    def read() -> str:
        fresh = Park.objects.get(pk=park.pk)  # what a request loads
        return caching.cached_for_park(park=fresh, name="t", variant=("a",), build=build)

    with translation.override("en"):
        assert read() == "piece 1"
        assert read() == "piece 1"
    with translation.override("ru"):
        assert read() == "piece 2"
    services.park_data_changed(park_id=park.pk)
    with translation.override("en"):
        assert read() == "piece 3"
    assert built == ["en", "ru", "en"]


def test_variants_and_parks_do_not_share_pieces(db):
    park, other = ParkFactory(), ParkFactory()
    keys = {
        caching.park_cache_key(park=park, name="t", variant=1),
        caching.park_cache_key(park=park, name="t", variant=2),
        caching.park_cache_key(park=other, name="t", variant=1),
        caching.park_cache_key(park=park, name="u", variant=1),
    }
    assert len(keys) == 4
