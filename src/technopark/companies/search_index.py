"""On SQLite, an FTS5 trigram index of ``Company.search_text`` for the company search.

The search matches any part of a name, INN or OGRN (``search_text LIKE '%…%'``), which no B-tree
index can serve: without this index SQLite reads every company of the park. An FTS5 table with the
``trigram`` tokenizer (SQLite 3.34 and later) finds the same rows from an index of every three
characters: a quoted phrase of three characters or more matches exactly where the text contains it
as a substring. ``case_sensitive 1`` keeps the comparison the column's own: ``search_text`` and the
query are both case-folded by Python (``str.casefold``), so SQLite must fold nothing more.

The table keeps its own copy of the text (not an external-content table): removing a row needs
only its id, so a table out of step can never corrupt the index. Triggers on ``companies_company``
keep it in step with every write, the services' and the bulk inserts of ``demo`` alike. A later
migration that remakes ``companies_company`` (SQLite's way to alter a table) drops the triggers with
the old table: ``ensure`` (run after every ``migrate``) puts them back and refills the index.

PostgreSQL has its pg_trgm GIN index on the column itself (migration 0003) and none of this.
"""

from __future__ import annotations

import functools
import sqlite3
from typing import Any

TABLE = "companies_company_search"
TRIGGERS = (
    "companies_company_search_insert",
    "companies_company_search_delete",
    "companies_company_search_update",
)
#: the ids of the companies whose text contains a phrase (``match_phrase``'s)
MATCHING_IDS = "SELECT rowid FROM companies_company_search WHERE companies_company_search MATCH %s"
#: the migration that makes the index
MIGRATION = "0005_search_fts_trigram_sqlite"
#: the shortest query the trigram index can answer; a shorter one scans the park's rows
MIN_LENGTH = 3

# Written out rather than formatted from TABLE and TRIGGERS: no SQL here is ever built at run time.
_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS companies_company_search "
    "USING fts5(search_text, tokenize = 'trigram case_sensitive 1')",
    """CREATE TRIGGER IF NOT EXISTS companies_company_search_insert
        AFTER INSERT ON companies_company BEGIN
        INSERT INTO companies_company_search (rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS companies_company_search_delete
        AFTER DELETE ON companies_company BEGIN
        DELETE FROM companies_company_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS companies_company_search_update
        AFTER UPDATE OF id, search_text ON companies_company BEGIN
        DELETE FROM companies_company_search WHERE rowid = old.id;
        INSERT INTO companies_company_search (rowid, search_text) VALUES (new.id, new.search_text);
    END""",
)
_REFILL = (
    "DELETE FROM companies_company_search",
    "INSERT INTO companies_company_search (rowid, search_text) "
    "SELECT id, search_text FROM companies_company",
)
_DROP = (
    "DROP TRIGGER IF EXISTS companies_company_search_insert",
    "DROP TRIGGER IF EXISTS companies_company_search_delete",
    "DROP TRIGGER IF EXISTS companies_company_search_update",
    "DROP TABLE IF EXISTS companies_company_search",
)


@functools.cache
def _trigram_available() -> bool:
    """Whether the SQLite library has FTS5 with the trigram tokenizer (asked once per process,
    of a scratch in-memory database, so that no page pays a query for it)."""
    if sqlite3.sqlite_version_info < (3, 34, 0):
        return False
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.execute("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize = 'trigram')")
    except sqlite3.Error:
        return False
    finally:
        scratch.close()
    return True


def supported(connection: Any) -> bool:
    """Whether ``connection`` is SQLite with FTS5's trigram tokenizer (3.34 or later): there the
    migration made the index and the company search reads it."""
    return connection.vendor == "sqlite" and _trigram_available()


def match_phrase(text: str) -> str | None:
    """An FTS5 query matching ``text`` as a substring, or None where the index cannot.

    The whole text is one quoted phrase (a quote inside doubled), so FTS5's syntax — ``*``,
    ``OR``, ``NEAR``, ``-``, parentheses, column filters — is read as plain characters. A text
    shorter than three characters has no trigram, and one with a NUL would be cut short.
    """
    if len(text) < MIN_LENGTH or "\x00" in text:
        return None
    return '"' + text.replace('"', '""') + '"'


def create(connection: Any) -> None:
    """Create the table and its triggers and fill the table (no-op where unsupported)."""
    if not supported(connection):
        return
    with connection.cursor() as cursor:
        for statement in (*_CREATE, *_REFILL):
            cursor.execute(statement)


def drop(connection: Any) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in _DROP:
            cursor.execute(statement)


def ensure(connection: Any) -> bool:
    """Put back what the migration made if it is missing, and refill the table.

    Two ways to lose it: a later migration that remakes ``companies_company`` drops the triggers
    with the old table, and a database migrated where SQLite had no trigram tokenizer has no
    table at all (the search would fail once the library has it). Before the migration has run,
    or where the tokenizer is missing, does nothing. Returns whether it repaired anything.
    """
    if not supported(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s OR name IN (%s, %s, %s)",
            [TABLE, *TRIGGERS],
        )
        present = {name for (name,) in cursor.fetchall()}
        if present >= {TABLE, *TRIGGERS}:
            return False
        if TABLE not in present:
            cursor.execute(
                "SELECT count(*) FROM django_migrations WHERE app = %s AND name = %s",
                ["companies", MIGRATION],
            )
            if cursor.fetchone()[0] == 0:
                return False
    create(connection)
    return True
