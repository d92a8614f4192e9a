"""The month's charges for the whole park: ``python -m bench.engineering``.

What a billing run does at the end of a month: for every request of the generated park accepted
in that month, the hours of its time entries per quote line (and its instrument use) and the
quantities delivered, each line by the product's rule (``charge_lines_for``: the gross and the
proportional discount each to the kopeck, the discount capped at the gross). The
month is the one with the most charges (about 800 of the 5,000 charged requests the generator
spreads over a year). The target (issue 12) is 2 s or less, in a fixed number of queries.

It times ``month_charges`` below, a stand-in written against the tables, unless
``BENCH_MONTH_CHARGES=package.module:function`` names the product's own (called as
``function(park, year, month)``, as ``month_charges`` here). For the stand-in it also checks the
result against the charges the generator stored (the same rule, over the quantities it reads
from the tables itself).
"""

from __future__ import annotations

import importlib
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import django

from technopark.core.scopes import scopes_disabled

RUNS = 5
TARGET_SECONDS = 2.0
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass
class Billed:
    """One request's charge as the billing run computes it."""

    request_id: int
    lines: list[tuple[int, str, Decimal, Decimal, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((amount for *_rest, amount in self.lines), ZERO)


def _amount(
    kind: str, quantity: Decimal, quoted: Decimal, unit_price: Decimal, discount: Decimal
) -> Decimal:
    """The product's rule for a charge line (``services.charges.charge_lines_for``): the gross
    and the discount in proportion to ``quantity`` each to the kopeck, the discount capped at
    the gross."""
    from technopark.engineering.models import QuoteLine
    from technopark.engineering.services.charges import Delivered, charge_lines_for

    line = QuoteLine(quantity=quoted, unit_price=unit_price, discount=discount)
    [row] = charge_lines_for([Delivered(line, kind, quantity, unit_price, "")])
    return row.amount


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def month_charges(park: Any, year: int, month: int) -> list[Billed]:
    """The charges of every request of ``park`` accepted in the park's ``month`` (five queries:
    the work orders, their quotes' lines, the time entries summed per line, the deliveries and
    the instrument use)."""
    from django.db.models import Sum

    from technopark.core.localtime import zone_named
    from technopark.engineering.models import (
        Delivery,
        InstrumentUse,
        QuoteLine,
        RequestEvent,
        RequestState,
        TimeEntry,
        WorkOrder,
    )

    zone = zone_named(park.time_zone)
    starts = datetime(year, month, 1, tzinfo=zone)
    ends = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    accepted = RequestEvent.all_parks.filter(
        park=park, to_state=RequestState.ACCEPTED, at__gte=starts, at__lt=ends
    ).values("request_id")
    orders = WorkOrder.all_parks.filter(park=park, request_id__in=accepted)
    by_order = {
        pk: (request_id, quote_id)
        for pk, request_id, quote_id in orders.values_list("pk", "request_id", "quote_id")
    }
    lines = {
        row["pk"]: row
        for row in QuoteLine.all_parks.filter(quote_id__in=orders.values("quote_id")).values(
            "pk", "quote_id", "kind", "unit", "quantity", "unit_price", "discount", "position"
        )
    }
    minutes: dict[tuple[int, int | None], int] = {
        (row["work_order_id"], row["quote_line_id"]): row["total"]
        for row in TimeEntry.all_parks.filter(
            work_order_id__in=orders.values("pk"), minutes__isnull=False
        )
        .values("work_order_id", "quote_line_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    }
    delivered = {
        (order_id, line_id): quantity
        for order_id, line_id, quantity in Delivery.all_parks.filter(
            work_order_id__in=orders.values("pk")
        ).values_list("work_order_id", "quote_line_id", "quantity")
    }
    instrument: dict[tuple[int, int | None], int] = defaultdict(int)
    for order_id, line_id, begins, finishes in InstrumentUse.all_parks.filter(
        work_order_id__in=orders.values("pk")
    ).values_list("work_order_id", "quote_line_id", "booking__starts_at", "booking__ends_at"):
        instrument[(order_id, line_id)] += int((finishes - begins).total_seconds() // 60)

    per_quote: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in lines.values():
        per_quote[line["quote_id"]].append(line)
    result = []
    for order_id, (request_id, quote_id) in sorted(by_order.items()):
        billed = Billed(request_id)
        for line in sorted(per_quote[quote_id], key=lambda row: (row["position"], row["pk"])):
            price, quoted, discount = line["unit_price"], line["quantity"], line["discount"]
            key = (order_id, line["pk"])
            if key in minutes:
                quantity = _hours(minutes[key])
                billed.lines.append(
                    (
                        line["pk"],
                        "time",
                        quantity,
                        price,
                        _amount("time", quantity, quoted, price, discount),
                    )
                )
            if key in instrument:
                quantity = _hours(instrument[key])
                billed.lines.append(
                    (
                        line["pk"],
                        "instrument",
                        quantity,
                        price,
                        _amount("instrument", quantity, quoted, price, discount),
                    )
                )
            if key in delivered:
                quantity = delivered[key]
                billed.lines.append(
                    (
                        line["pk"],
                        "delivered",
                        quantity,
                        price,
                        _amount("delivered", quantity, quoted, price, discount),
                    )
                )
        result.append(billed)
    return result


def _function() -> tuple[str, Callable[[Any, int, int], Any]]:
    named = os.environ.get("BENCH_MONTH_CHARGES", "")
    if not named:
        return "bench.engineering:month_charges (stand-in)", month_charges
    module, _, name = named.partition(":")
    return named, getattr(importlib.import_module(module), name)


def heaviest_month(park: Any) -> tuple[date, int] | None:
    """The month with the most charges in ``park`` and how many."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from technopark.engineering.models import Charge

    row = (
        Charge.all_parks.filter(park=park)
        .annotate(month=TruncMonth("charged_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-n", "month")
        .first()
    )
    return (row["month"], row["n"]) if row else None


@scopes_disabled()  # a script spans parks, as a management command does
def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "technopark.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.targets import PARK
    from technopark.engineering.models import Charge
    from technopark.parks.models import Park

    park = Park.objects.get(slug=PARK)
    found = heaviest_month(park)
    if found is None:
        print("The generated park has no charges: run generate_park --engineering-requests.")
        return 0
    month, charges = found
    label, compute = _function()
    timings = []
    result: Any = None
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = compute(park, month.year, month.month)
        first = time.perf_counter() - started
    for _ in range(RUNS):
        started = time.perf_counter()
        compute(park, month.year, month.month)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(f"month's charges: {label}")
    print(f"  month {month:%Y-%m}: {charges} charges stored")
    print(
        f"  first run {first:.3f} s, median of {RUNS} {median:.3f} s "
        f"(target ≤ {TARGET_SECONDS:.0f} s: {'meets' if max(first, median) <= TARGET_SECONDS else 'OVER'})"
    )
    print(f"  queries: {len(queries.captured_queries)}")
    failed = max(first, median) > TARGET_SECONDS
    if compute is month_charges:
        billed = {row.request_id: row for row in result}
        stored = dict(
            Charge.all_parks.filter(park=park, request_id__in=billed).values_list(
                "request_id", "total"
            )
        )
        differ = sum(1 for pk, total in stored.items() if billed[pk].total != total)
        lines = sum(len(row.lines) for row in billed.values())
        amount = sum((row.total for row in billed.values()), ZERO)
        print(
            f"  requests accepted in the month: {len(billed)}, lines {lines}, total {amount:,.2f} RUB; "
            f"against the stored charges: {len(stored)} compared, {differ} differ"
        )
        failed = failed or differ > 0
        # The product's own month of charges (the staff page «Charges»): the stored charges
        # and their totals by payer and tier.
        from technopark.engineering.queries import month_charges as stored_month

        with CaptureQueriesContext(connection) as page_queries:
            started = time.perf_counter()
            page = stored_month(park=park, year=month.year, month=month.month)
            took = time.perf_counter() - started
        print(
            f"  the charges page's month (engineering.queries.month_charges): {took:.3f} s, "
            f"{len(page_queries.captured_queries)} queries, {len(page.charges)} charges, "
            f"total {page.total:,.2f} RUB"
        )
    else:
        print(f"  result: {len(result) if hasattr(result, '__len__') else result!r}")
    return 1 if failed and os.environ.get("BENCH_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
