"""Grow a park to tens of thousands of companies quickly, for the benchmark (``generate_park``).

Bulk inserts, not the services: the services validate and write one company at a time (about ten
queries each), which is right for people and far too slow for 50,000 rows. What the services would
guarantee is kept by construction instead: INN/OGRN come with valid check digits from the generator,
INNs are distinct within the park (existing ones are skipped), sites and directions belong to the
park, and ``search_text`` is filled by ``Company.refresh_search_text`` as the services do.
No stage history or team is written: the list pages and the API do not read them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from technopark.companies.models import Company
from technopark.demo import data
from technopark.demo.generator import company_specs
from technopark.parks.models import Direction, Park, Site

# Registration numbers of generated companies start here, far above the demo seed's (1…200).
FIRST_NUMBER = 100_000
BATCH_SIZE = 2_000


def _directions(park: Park) -> tuple[list[data.DirectionData], dict[str, int]]:
    rows = list(Direction.all_parks.filter(park=park).select_related("parent"))
    specs = [
        data.DirectionData(d.code, d.name, d.name_en, d.parent.code if d.parent else "")
        for d in rows
    ]
    return specs, {d.code: d.pk for d in rows}


def generate_companies(
    *,
    park: Park,
    total: int,
    seed: int = data.RANDOM_SEED + 1,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add generated companies until ``park`` has ``total``; return how many were added.

    Idempotent in the sense that counts: a park that already has ``total`` companies is left alone.
    Each batch is one transaction of three statements (companies, then their directions).
    """
    existing = Company.all_parks.filter(park=park).count()
    missing = total - existing
    if missing <= 0:
        return 0
    taken = set(Company.all_parks.filter(park=park).values_list("inn", flat=True))
    site_ids = list(Site.all_parks.filter(park=park).order_by("pk").values_list("pk", flat=True))
    directions, direction_ids = _directions(park)
    specs = company_specs(
        count=missing,
        seed=seed + existing,
        region=park.region,
        directions=directions,
        sites=len(site_ids),
        first_number=FIRST_NUMBER + existing,
        unique_names=False,
    )
    through = Company.directions.through
    added = 0
    batch: list[tuple[Company, tuple[str, ...]]] = []

    def flush() -> None:
        nonlocal added
        with transaction.atomic():
            companies = Company.all_parks.bulk_create([company for company, _codes in batch])
            if any(company.pk is None for company in companies):  # no RETURNING on this database
                ids = dict(
                    Company.all_parks.filter(
                        park=park, inn__in=[c.inn for c in companies]
                    ).values_list("inn", "pk")
                )
                for company in companies:
                    company.pk = ids[company.inn]
            through.objects.bulk_create(
                [
                    through(company_id=company.pk, direction_id=direction_ids[code])
                    for company, codes in batch
                    for code in codes
                ]
            )
        added += len(batch)
        batch.clear()
        if progress is not None:
            progress(added)

    for spec in specs:
        if spec.inn in taken:
            continue
        taken.add(spec.inn)
        company = Company(
            park=park,
            legal_name=spec.legal_name,
            short_name=spec.short_name,
            inn=spec.inn,
            ogrn=spec.ogrn,
            region=spec.region,
            stage=spec.stage,
            is_sme=spec.is_sme,
            founded_on=spec.founded_on,
            website=spec.website,
            description=spec.description,
            site_id=site_ids[spec.site_index] if spec.site_index is not None else None,
            started_in_park=spec.started_in_park,
            supported_by_park=spec.supported_by_park,
        )
        company.refresh_search_text()
        batch.append((company, spec.direction_codes))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum soon does to a table that grew: planner statistics, and the visibility
        # map that lets a count read the index alone. Measuring before it would measure the wait.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Company._meta.db_table}, {through._meta.db_table}")
    elif connection.vendor == "sqlite":
        # SQLite keeps no statistics until asked; without them its planner walks a 50,000-row
        # index to avoid a sort (a founder's companies: 6 ms instead of 0.8 ms).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return added
