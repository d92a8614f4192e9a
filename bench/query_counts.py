"""Does a page run the same number of queries when the park has 5,000 times the rows, and what
does its first visit after a write cost?

Asks every benchmarked page once in the small park (Magadan, about 10 companies) and once in the
generated one (Yakutia, 50,000), as each park's manager (or the target's own visitor), through
Django's test client, and counts the queries with ``CaptureQueriesContext`` on a visit with every
cache emptied and on the visit after it. For the generated park it also times the page in this one
process, without the server or the network (the median of ``RUNS`` requests), three ways:

- **after a write**: before each request the cache topic of the write that usually comes before
  the page (``Target.after``: a review filed renews "selection", a booking "spaces") is renewed,
  as that write's service does: the visit right after a write, what people often get;
- **cold**: every cache emptied (the page cache and the default one), the upper bound;
- **cached**: the steady state that wrk measures.

It sums the time the after-write visit's queries took (the SQL share) and flags any page whose
after-write visit takes more than ``FIRST_VISIT_LIMIT_MS``. Prints a Markdown table; exits 1 if a
count grows, a page does not answer 200 or a first visit is over the limit.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from collections.abc import Callable

import django

from technopark.core.scopes import scopes_disabled

RUNS = 15
FIRST_VISIT_LIMIT_MS = 25.0


@scopes_disabled()  # a script spans parks, as a management command does
def main() -> int:
    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.targets import PARK, SMALL_PARK, Target, targets
    from technopark.accounts import services as account_services
    from technopark.accounts.models import User
    from technopark.companies.models import Company
    from technopark.core.fragments import writes
    from technopark.demo import data
    from technopark.demo.selection_generate import EXPERT_EMAIL
    from technopark.parks.models import Park

    def empty_caches() -> None:
        for alias in settings.CACHES:  # the page cache and the default one
            caches[alias].clear()

    def signed_in(email: str) -> Client:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        return client

    def manager_of(park: str) -> tuple[Client, str]:
        email = ("manager@" if park == PARK else f"manager.{park}@") + data.DEMO_EMAIL_DOMAIN
        client = signed_in(email)
        _token, secret = account_services.api_token_create(
            user=User.objects.get(email=email), name="query counts", scope="write"
        )
        return client, secret

    class Visitor:
        """Who asks a page of one park: a client and the headers its sign-in needs."""

        def __init__(self, park: str) -> None:
            self.park_id = Park.objects.get(slug=park).pk
            self.manager, self.secret = manager_of(park)
            self.anonymous = Client(SERVER_NAME="127.0.0.1")
            self.others: dict[str, Client] = {}
            expert = User.objects.filter(email=EXPERT_EMAIL.format(0)).first()
            if expert is not None:
                self.others["expert"] = signed_in(expert.email)
            self.others["founder"] = signed_in(f"founder@{data.DEMO_EMAIL_DOMAIN}")

        def ask(self, target: Target) -> int:
            if target.auth == "none":
                return self.anonymous.get(target.path).status_code
            if target.auth == "token":
                headers = {"authorization": f"Bearer {self.secret}"}
                return self.manager.get(target.path, headers=headers).status_code
            return self.others.get(target.auth, self.manager).get(target.path).status_code

    def count(visitor: Visitor, target: Target) -> tuple[int, int, int]:
        """Queries of a visit with every cache emptied, of the visit after it, and the status."""
        visitor.ask(target)  # fill what is filled once per process (compiled SQL, templates)
        empty_caches()
        with CaptureQueriesContext(connection) as first:
            status = visitor.ask(target)
        with CaptureQueriesContext(connection) as again:
            visitor.ask(target)
        return len(first), len(again), status

    def timing(
        visitor: Visitor, target: Target, before: Callable[[], None] | None
    ) -> tuple[float, float]:
        """Median milliseconds per request in-process, and the database's share of it; ``before``
        runs ahead of every request, untimed (renew a topic, empty the caches)."""
        totals, database = [], []
        visitor.ask(target)
        for _ in range(RUNS):
            if before is not None:
                before()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                visitor.ask(target)
                totals.append((time.perf_counter() - started) * 1000)
            database.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        return statistics.median(totals), statistics.median(database)

    # The small park's search looks for a word that its companies have, so both searches find rows.
    sample = Company.all_parks.filter(park__slug=SMALL_PARK).order_by("pk").first()
    if sample is None:
        print("The small park has no companies: run seed_demo first.", file=sys.stderr)
        return 1
    small_word = sample.short_name.split()[-1].casefold()
    small_targets = targets(SMALL_PARK, small_word, sample.stage)
    big_rows = Company.all_parks.filter(park__slug=PARK).count()
    small_rows = Company.all_parks.filter(park__slug=SMALL_PARK).count()

    big, small = Visitor(PARK), Visitor(SMALL_PARK)
    failed = False
    print(
        f"| page | queries, first visit ({small_rows} companies) "
        f"| queries, first visit ({big_rows:,}) | | queries, cached "
        f"| ms after a write | of which SQL | ≤ {FIRST_VISIT_LIMIT_MS:.0f} ms "
        "| ms, every cache emptied | ms, cached |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---|---:|---:|")
    for target, small_target in zip(targets(), small_targets, strict=True):
        if target.path == "/bench/ceiling/":  # nothing to count, nothing to write
            cached, _sql = timing(big, target, None)
            print(f"| {target.label} | | | | | | | | | {cached:.1f} |")
            continue
        big_count, big_cached, big_status = count(big, target)
        if target.compare:
            small_count, _cached, small_status = count(small, small_target)
            if small_status != 200 or big_status != 200:
                verdict = f"HTTP {small_status}/{big_status}"
                failed = True
            elif big_count > small_count:
                verdict = "GROWS"
                failed = True
            else:
                verdict = "same" if big_count == small_count else "fewer"
            small_cell = str(small_count)
        else:
            # Only the generated park has this page (the bench call, cohort, resources, the
            # founder): its counts at two sizes are pinned by the tests.
            verdict = "(tests)" if big_status == 200 else f"HTTP {big_status}"
            failed = failed or big_status != 200
            small_cell = ""
        renew = functools.partial(writes, target.after, park_id=big.park_id)
        after_write, after_sql = timing(big, target, renew)
        cold, _cold_sql = timing(big, target, empty_caches)
        cached, _cached_sql = timing(big, target, None)
        within = after_write <= FIRST_VISIT_LIMIT_MS
        failed = failed or not within
        print(
            f"| {target.label} | {small_cell} | {big_count} | {verdict} | {big_cached} "
            f"| {after_write:.1f} | {after_sql:.1f} | {'yes' if within else 'OVER'} "
            f"| {cold:.1f} | {cached:.1f} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
