"""The company search's index finds exactly what the straightforward query finds.

On SQLite the search reads an FTS5 trigram table (``companies.search_index``) kept in step by
triggers; the straightforward query is ``search_text LIKE '%…%'`` over the park's rows, and Python's
``in`` over the same texts. Every search here is compared with both, on a fixture of names in
Cyrillic and Latin, with digits, quotes and FTS5's own syntax characters, and queries from one
character to the whole name. On PostgreSQL the same comparison runs through the pg_trgm index.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from technopark.companies import queries, search_index
from technopark.companies.models import Company, Stage
from tests.factories import CompanyFactory, valid_inn, valid_ogrn

NAMES = [
    ("Ленский Софт", 'ООО "Ленский софт"'),
    ("СОФТ-Север", "АО СофтСевер"),
    ("Полярный дрон", 'ООО "Полярный дрон"'),
    ("Ёлка и ель", "ИП Ёлкин"),
    ("Polar Soft", "Polar Soft LLC"),
    ("ACME OR NEAR", "ACME (NEAR) OR Inc"),
    ('Кавычки "внутри"', 'ООО ""Двойные""'),
    ("a*b -c", "Звезда* и минус-"),
    ("Проект (Альфа)", "Проект^Альфа {x}"),
    ("Straße GmbH", "STRASSE Maß"),
    ("100% _под_ ключ", "Процент\\слэш"),
    ("search_text:соф", "NOT AND"),
    ("Ааааа", "ООО Ааааа 🚀 ракета"),
]

SEARCHES = [
    # Cyrillic, Latin, any case; one, two, three characters and more
    "софт",
    "СОФТ",
    "Софт-С",
    "soft",
    "SOFT",
    "pol",
    "с",
    "со",
    "соф",
    "ё",
    "ёлк",
    "ЁЛКА И",
    "ель",
    "strasse",
    "straße",
    "maß",
    "ss",
    # FTS5 syntax in the visitor's text: read as plain characters, never an error
    '"',
    '""',
    '"внутри"',
    'ки "вн',
    "*",
    "a*b",
    "соф*",
    "OR",
    "or near",
    "NEAR",
    "NEAR(acme or)",
    "-",
    "-c",
    "минус-",
    "(",
    "(альфа)",
    ")",
    "^альфа",
    "{x}",
    "search_text:соф",
    "text:",
    "NOT AND",
    "AND",
    "acme OR inc",
    # LIKE's own wildcards and escape
    "%",
    "100%",
    "_под_",
    "_",
    "\\",
    "т\\с",
    # repeated trigrams, a character outside the BMP
    "ааа",
    "аааааа",
    "а 🚀",
    "🚀 р",
    # nothing of the kind
    "нет такого",
    "zzz",
]


@pytest.fixture
def companies(world):
    made = [
        CompanyFactory(park=world.park, short_name=short, legal_name=legal, stage=stage)
        for (short, legal), stage in zip(
            NAMES, [Stage.IDEA, Stage.PROTOTYPE] * len(NAMES), strict=False
        )
    ]
    # The same names in the other park: never found from this one.
    for short, legal in NAMES[:3]:
        CompanyFactory(park=world.other_park, short_name=short, legal_name=legal)
    return made


def straightforward(park, q, stage=""):
    """The ids the search must find: the park's rows whose text contains ``q`` (case-folded)."""
    rows = Company.all_parks.filter(park=park, search_text__contains=q.casefold())
    if stage:
        rows = rows.filter(stage=stage)
    ids = set(rows.values_list("pk", flat=True))
    in_python = {
        company.pk
        for company in Company.all_parks.filter(park=park)
        if q.casefold() in company.search_text and (not stage or company.stage == stage)
    }
    assert ids == in_python
    return ids


def searched(park, q, stage=""):
    filters = queries.CompanyFilters(q=q, stage=stage)
    with CaptureQueriesContext(connection) as captured:
        ids = {company.pk for company in queries.company_list(park=park, filters=filters)}
    used_index = any(search_index.TABLE in query["sql"] for query in captured.captured_queries)
    return ids, used_index


@pytest.mark.parametrize("q", SEARCHES)
def test_the_search_finds_what_the_straightforward_query_finds(world, companies, q):
    expected = straightforward(world.park, q)
    found, used_index = searched(world.park, q)
    assert found == expected
    indexed = search_index.supported(connection) and len(q.casefold()) >= search_index.MIN_LENGTH
    assert used_index == indexed


@pytest.mark.parametrize("q", ["софт", "soft", "ель", "со", '"', "OR", "нет такого"])
@pytest.mark.parametrize("stage", [Stage.IDEA, Stage.PROTOTYPE, Stage.MARKET])
def test_the_search_with_a_stage(world, companies, q, stage):
    assert searched(world.park, q, stage)[0] == straightforward(world.park, q, stage)


def test_inn_and_ogrn_digits_are_found_in_part_and_whole(world, companies):
    company = companies[0]
    for q in (company.inn, company.inn[2:8], company.ogrn, company.ogrn[-5:], company.inn[:2]):
        expected = straightforward(world.park, q)
        assert company.pk in expected
        assert searched(world.park, q)[0] == expected


def test_the_search_is_the_same_with_a_few_hundred_rows(world):
    # Enough rows for the planner to prefer the index; names share trigrams across companies.
    for n in range(300):
        CompanyFactory(
            park=world.park,
            short_name=f"Софт {n} {'Лена' if n % 3 else 'Колыма'}",
            stage=Stage.PROTOTYPE if n % 2 else Stage.IDEA,
        )
    for q in ("софт 1", "софт 12", "лена", "т 29", "колыма", "7 л", "2"):
        for stage in ("", Stage.PROTOTYPE):
            assert searched(world.park, q, stage)[0] == straightforward(world.park, q, stage)


@pytest.mark.parametrize("q", ['"', 'a"b', "*", "OR", "NEAR(", "-", "(", ")", "соф*", "x:y", "^"])
def test_fts_syntax_in_the_search_never_fails_a_page(world, companies, client_for, q):
    client = client_for("manager")
    assert client.get("/yakutia/companies/", {"q": q}).status_code == 200
    assert (
        client.get("/yakutia/companies/", {"q": q}, headers={"hx-request": "true"}).status_code
        == 200
    )
    assert client.get("/api/v1/parks/yakutia/companies", {"q": q}).status_code == 200


def test_match_phrase_quotes_the_whole_text():
    assert search_index.match_phrase("со") is None
    assert search_index.match_phrase("a\x00bc") is None
    assert search_index.match_phrase("софт") == '"софт"'
    assert search_index.match_phrase('a "b" OR c*') == '"a ""b"" OR c*"'


# --- Kept in step with every write (SQLite) -------------------------------------------------------

sqlite_only = pytest.mark.skipif(
    not search_index.supported(connection), reason="the FTS5 index exists on SQLite only"
)


def index_rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, search_text FROM {search_index.TABLE}")  # noqa: S608
        return dict(cursor.fetchall())


def column_rows():
    return dict(Company.all_parks.values_list("pk", "search_text"))


@sqlite_only
def test_the_index_follows_creates_renames_and_deletes(world, companies):
    assert index_rows() == column_rows()
    renamed = companies[0]
    renamed.short_name = "Алмазный Хаб"
    renamed.refresh_search_text()
    renamed.save()
    companies[1].delete()
    Company.all_parks.filter(pk=companies[2].pk).update(search_text="совсем другое")
    assert index_rows() == column_rows()
    assert searched(world.park, "алмазный")[0] == {renamed.pk}
    assert searched(world.park, "ленский")[0] == straightforward(world.park, "ленский")
    assert searched(world.park, "другое")[0] == {companies[2].pk}


@sqlite_only
def test_bulk_inserts_of_the_generator_are_indexed(world):
    made = [
        Company(
            park=world.park,
            short_name=f"Пакетная {n}",
            legal_name=f'ООО "Пакетная {n}"',
            inn=valid_inn(700_000 + n),
            ogrn=valid_ogrn(700_000 + n),
            region="14",
        )
        for n in range(20)
    ]
    for company in made:
        company.refresh_search_text()
    Company.all_parks.bulk_create(made)
    assert index_rows() == column_rows()
    assert len(searched(world.park, "пакетная 1")[0]) == 11


@sqlite_only
def test_ensure_puts_back_triggers_that_a_table_remake_dropped(world, companies):
    with connection.cursor() as cursor:
        for trigger in search_index.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")  # as dropping the remade table does
    Company.all_parks.filter(pk=companies[0].pk).update(search_text="не в индексе")
    assert index_rows() != column_rows()
    assert search_index.ensure(connection) is True
    assert index_rows() == column_rows()
    assert search_index.ensure(connection) is False  # nothing to repair the second time
    Company.all_parks.filter(pk=companies[1].pk).update(search_text="снова в индексе")
    assert index_rows() == column_rows()


@sqlite_only
def test_drop_and_create_are_each_other_s_reverse(world, companies):
    search_index.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'companies_company_search%'"
        )
        assert cursor.fetchone()[0] == 0
    search_index.create(connection)
    assert index_rows() == column_rows()
    assert searched(world.park, "софт")[0] == straightforward(world.park, "софт")


@sqlite_only
def test_ensure_makes_the_index_missing_after_its_migration(world, companies):
    # As on a database migrated where SQLite had no trigram tokenizer, then upgraded.
    search_index.drop(connection)
    assert search_index.ensure(connection) is True
    assert index_rows() == column_rows()
    assert searched(world.park, "софт")[0] == straightforward(world.park, "софт")
