"""Does the number of queries a page runs stay the same when the park has 5,000 times the rows?

Asks every benchmarked page once in the small park (Magadan, about 10 companies) and once in the
generated one (Yakutia, 50,000), as each park's manager, through Django's test client, and counts
the queries with ``CaptureQueriesContext``. For the generated park it also times the page in this
one process, without the server or the network (the median of a few runs), and how much of that
the database took: where the time goes when the requests per second disappoint. Prints a Markdown
table; exits 1 if a count grows or a page does not answer 200.
"""

from __future__ import annotations

import statistics
import sys
import time

import django

from technopark.core.scopes import scopes_disabled

RUNS = 15


@scopes_disabled()  # a script spans parks, as a management command does
def main() -> int:
    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.targets import PARK, SMALL_PARK, targets
    from technopark.accounts import services as account_services
    from technopark.accounts.models import User
    from technopark.companies.models import Company
    from technopark.demo import data
    from technopark.demo.selection_generate import EXPERT_EMAIL

    def empty_caches() -> None:
        for alias in settings.CACHES:  # the page cache and the default one
            caches[alias].clear()

    def client_for(park: str) -> tuple[Client, str, int]:
        email = "manager@" if park == PARK else f"manager.{park}@"
        manager = User.objects.get(email=email + data.DEMO_EMAIL_DOMAIN)
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(manager)
        _token, secret = account_services.api_token_create(
            user=manager, name="query counts", scope="write"
        )
        rows = Company.all_parks.filter(park__slug=park).count()
        return client, secret, rows

    def count(client: Client, secret: str, path: str, auth: str) -> tuple[int, int, int]:
        """Queries of a first visit (nothing cached), of the visit after it, and the status."""
        headers = {"authorization": f"Bearer {secret}"} if auth == "token" else {}
        client.get(path, headers=headers)  # fill what is filled once per process (compiled SQL)
        empty_caches()
        with CaptureQueriesContext(connection) as first:
            response = client.get(path, headers=headers)
        with CaptureQueriesContext(connection) as again:
            client.get(path, headers=headers)
        return len(first), len(again), response.status_code

    def timing(
        client: Client, secret: str, path: str, auth: str, *, cold: bool
    ) -> tuple[float, float]:
        """Median milliseconds per request in-process, and the database's share of it; with
        ``cold`` every request starts from an empty cache (the first visit after a write)."""
        headers = {"authorization": f"Bearer {secret}"} if auth == "token" else {}
        totals, database = [], []
        client.get(path, headers=headers)
        for _ in range(RUNS):
            if cold:
                empty_caches()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(path, headers=headers)
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

    big_client, big_secret, big_rows = client_for(PARK)
    small_client, small_secret, small_rows = client_for(SMALL_PARK)
    failed = False
    print(
        f"| page | first visit ({small_rows} companies) | first visit ({big_rows:,} companies) | "
        "| cached | ms in-process, first visit | ms in-process, cached | of which SQL, first |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    expert = User.objects.filter(email=EXPERT_EMAIL.format(0)).first()
    expert_client = Client(SERVER_NAME="127.0.0.1")
    if expert is not None:
        expert_client.force_login(expert)
    founder_client = Client(SERVER_NAME="127.0.0.1")
    founder_client.force_login(User.objects.get(email=f"founder@{data.DEMO_EMAIL_DOMAIN}"))
    other_clients = {"expert": expert_client, "founder": founder_client}
    for big, small in zip(targets(), small_targets, strict=True):
        if big.auth == "none":
            total, _sql = timing(big_client, big_secret, big.path, big.auth, cold=False)
            print(f"| {big.label} | | | | | | {total:.1f} | |")
            continue
        if not big.compare:
            # Only the generated park has this page (the bench call, cohort, resources): its
            # counts at two sizes are pinned by the tests; here, what it costs at full size.
            client = other_clients.get(big.auth, big_client)
            big_count, big_warm, big_status = count(client, big_secret, big.path, big.auth)
            failed = failed or big_status != 200
            cold_total, cold_sql = timing(client, big_secret, big.path, big.auth, cold=True)
            warm_total, _warm_sql = timing(client, big_secret, big.path, big.auth, cold=False)
            verdict = "(tests)" if big_status == 200 else f"HTTP {big_status}"
            print(
                f"| {big.label} | | {big_count} | {verdict} | {big_warm} "
                f"| {cold_total:.1f} | {warm_total:.1f} | {cold_sql:.1f} |"
            )
            continue
        small_count, _small_warm, small_status = count(
            small_client, small_secret, small.path, small.auth
        )
        big_count, big_warm, big_status = count(big_client, big_secret, big.path, big.auth)
        if small_status != 200 or big_status != 200:
            verdict = f"HTTP {small_status}/{big_status}"
            failed = True
        elif big_count > small_count:
            verdict = "GROWS"
            failed = True
        else:
            verdict = "same" if big_count == small_count else "fewer"
        cold_total, cold_sql = timing(big_client, big_secret, big.path, big.auth, cold=True)
        warm_total, _warm_sql = timing(big_client, big_secret, big.path, big.auth, cold=False)
        print(
            f"| {big.label} | {small_count} | {big_count} | {verdict} | {big_warm} "
            f"| {cold_total:.1f} | {warm_total:.1f} | {cold_sql:.1f} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
