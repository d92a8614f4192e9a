"""On PostgreSQL the company search has a trigram index; the search answers the same with it."""

from __future__ import annotations

import pytest
from django.db import connection

from technopark.companies import queries
from technopark.companies.models import Company
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


def test_the_trigram_index_can_serve_the_search_with_a_stage_filter(world):
    # At national scale (50,000 companies) the planner's count of the search with a stage reads
    # this index and the (park, stage) index together (BitmapAnd). A test table is too small for
    # the planner to prefer it over the park's indexes: here, where only it can serve the text
    # (sequential scans off), it does; and the search with the stage finds the same rows.
    for n in range(200):
        CompanyFactory(
            park=world.park,
            short_name=f"Ленский Софт {n}" if n % 10 == 0 else f"Мерзлота {n}",
            stage="prototype",
        )
    rows = Company.all_parks.filter(search_text__contains="софт").order_by()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE companies_company")
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "company_search_trgm_idx" in rows.explain()
    found = queries.company_list(
        park=world.park, filters=queries.CompanyFilters(q="софт", stage="prototype")
    )
    assert {company.pk for company in found} == set(
        rows.filter(park=world.park, stage="prototype").values_list("pk", flat=True)
    )
    assert len(found) == 20
