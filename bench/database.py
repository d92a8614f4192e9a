"""PostgreSQL chores for ``bench/run.sh``: recreate the benchmark's database, tell the version.

``python -m bench.database recreate <maintenance-url> <name>`` exits 1 when the server cannot be
reached (the run then skips PostgreSQL); ``python -m bench.database version <url>`` prints it.
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql


def recreate(maintenance_url: str, name: str) -> int:
    try:
        connection = psycopg.connect(maintenance_url, autocommit=True, connect_timeout=3)
    except psycopg.Error as error:
        print(f"PostgreSQL unreachable: {error}", file=sys.stderr)
        return 1
    with connection:
        database = sql.Identifier(name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(database))
    return 0


def server_version(url: str) -> int:
    with psycopg.connect(url, connect_timeout=3) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    print(row[0].split()[0] if row else "unknown")
    return 0


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "recreate":
        sys.exit(recreate(*args))
    if command == "version":
        sys.exit(server_version(*args))
    sys.exit(f"unknown command {command!r}")
