"""On PostgreSQL the company search has a trigram index; the search answers the same with it."""

from __future__ import annotations

import pytest
from django.db import connection

from technopark.companies import queries
from tests.factories import CompanyFactory

pytestmark = pytest.mark.postgres


def test_the_trigram_index_exists_and_serves_the_search(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'company_search_trgm_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
    for n in range(30):
        CompanyFactory(park=world.park, short_name=f"Ленский Софт {n}")
    found = queries.company_list(
        park=world.park, filters=queries.CompanyFilters(q="ЛЕНСКИЙ софт 1")
    )
    names = {company.short_name for company in found}
    assert names == {"Ленский Софт 1"} | {f"Ленский Софт {n}" for n in range(10, 20)}
