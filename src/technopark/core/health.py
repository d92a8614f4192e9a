"""Health and readiness for load balancers and orchestrators, and what a visitor gets when the
database is gone.

``/healthz`` answers 200 as long as the process serves requests: it touches nothing (no database,
no cache, no session), so a restart of PostgreSQL never makes a balancer kill healthy workers.
``/readyz`` asks everything a request needs — the database answers, the cache stores and returns
a value, every migration is applied, the task queue's table is reachable — and answers 503 when one
of them fails, naming each check in the JSON answer with the time it took. Both are answered by
``HealthMiddleware``, first in the chain: no session, no CSRF cookie, no language or park lookup,
no log of a visit; cheap enough to be polled every second (one ``SELECT 1``, one cache round trip,
one indexed read of the tasks table; the migration check is done once per process, as migrations
only change with a deploy, which restarts the processes).

``unavailable_response`` is what the 500 handler returns instead when the error is the database
being unreachable: a 503 with ``Retry-After``, a page that needs no database (or JSON under
``/api/``), so a visitor reads "back in a moment" rather than "something went wrong".
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
RETRY_AFTER_SECONDS = 30

_migrations_applied = False


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_cache() -> None:
    key = "technopark:readyz"
    stamp = str(time.monotonic_ns())
    cache.set(key, stamp, 30)
    if cache.get(key) != stamp:
        raise RuntimeError("the cache did not return what was stored")


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migration(s) not applied")
    _migrations_applied = True


def check_tasks() -> None:
    """The queue the workers read: with django-tasks' database backend, its table answers."""
    from django.conf import settings

    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    if ".database." not in backend:
        return  # the immediate backend runs tasks in the request: nothing to reach
    from django_tasks.backends.database.models import DBTaskResult

    DBTaskResult.objects.order_by().values_list("pk", flat=True).first()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "migrations": check_migrations,
    "tasks": check_tasks,
}


def readiness() -> tuple[bool, dict[str, Any]]:
    """Run every check; a check after a failed database check still runs (and names its own
    failure), so the answer says everything that is wrong at once."""
    results: dict[str, Any] = {}
    ready = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:
            ready = False
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 2)
    return ready, results


def _json(data: dict[str, Any], status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data), status=status, content_type="application/json; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path == HEALTH_PATH:
            return _json({"status": "ok"}, 200)
        if path == READY_PATH:
            ready, checks = readiness()
            return _json(
                {"status": "ok" if ready else "fail", "checks": checks}, 200 if ready else 503
            )
        return self.get_response(request)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` is the database being unreachable (connection refused, server gone),
    not a bug in a query. A driver's operational error covers both (a deadlock, a statement
    timeout, SQLite's "no such table" are operational errors too), so the answer is asked of the
    database itself: a fresh connection that cannot be opened means unreachable."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.close()
        connection.ensure_connection()
    except (OperationalError, InterfaceError):
        return True
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """A 503 that needs no database: JSON under ``/api/``, else a page with no context
    processors. ``Retry-After`` tells browsers, crawlers and clients when to try again."""
    if request.path.startswith("/api/"):
        response = HttpResponse(
            json.dumps({"detail": _("The service is briefly unavailable. Try again in a minute.")}),
            status=503,
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
