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
        fresh = Park.objects.get(pk=park.pk)  # a new request: nothing memoised on the instance
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


def test_an_evicted_version_token_is_replaced_by_a_new_one(db):
    from django.core.cache import cache

    park = ParkFactory()
    first = caching.park_version(Park.objects.get(pk=park.pk))
    cache.delete(f"tp:version:{park.pk}")  # the cache evicted it
    second = caching.park_version(Park.objects.get(pk=park.pk))
    assert second != first
    assert caching.park_version(Park.objects.get(pk=park.pk)) == second


def test_the_park_row_is_cached_until_an_administrator_edits_it(
    db, client, django_assert_num_queries
):
    from technopark.accounts.models import GlobalRole
    from tests.factories import UserFactory

    park = ParkFactory(slug="yakutia", name="Технопарк", name_en="Technopark", region="14")
    with django_assert_num_queries(1):
        assert caching.park_by_slug(slug="yakutia").name == "Технопарк"
    with django_assert_num_queries(0):
        assert caching.park_by_slug(slug="yakutia").name == "Технопарк"
    admin = UserFactory(is_staff=True, is_superuser=True, global_role=GlobalRole.PLATFORM_ADMIN)
    client.force_login(admin)
    response = client.post(
        f"/admin/parks/park/{park.pk}/change/",
        {
            "name": "Технопарк «Якутия»",
            "name_en": "Technopark",
            "slug": "yakutia",
            "region": "14",
            "time_zone": "Asia/Yakutsk",
            "languages": "ru,en",
            "is_public": "on",
            "sites-TOTAL_FORMS": "0",
            "sites-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert caching.park_by_slug(slug="yakutia").name == "Технопарк «Якутия»"
