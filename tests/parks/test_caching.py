"""The park row is cached by slug until an administrator edits the park."""

from __future__ import annotations

from technopark.parks import caching
from tests.factories import ParkFactory


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
