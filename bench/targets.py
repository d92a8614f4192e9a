"""What the benchmark measures: the URLs, how each signs in, and the target share of the ceiling.

``python -m bench.targets`` prints them as tab-separated lines for ``bench/run.sh``; the query-count
check (``bench.query_counts``) and the report (``bench.report``) read the same list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlencode

PARK = "yakutia"
SMALL_PARK = "magadan"
# About one company in twenty is called "… Софт"; with the stage filter the search finds ~750
# of 50,000, so the search page has a full first page and a count to make.
SEARCH_WORD = "софт"
SEARCH_STAGE = "prototype"
# "A room for 6 tomorrow 14:00–16:00" (no date: tomorrow).
FREE_SLOT_QUERY = urlencode(
    {"resource_type": "room", "capacity": 6, "start": "14:00", "end": "16:00"}
)


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    # "none", "session" (the manager's cookie), "token" (the manager's API token), "expert"
    # (the cookie of the first bench expert) or "founder" (the demo founder's cookie)
    auth: str
    share: float | None  # the target: at least this share of the ceiling's requests/s
    # Whether the small park has the same page, so that query counts compare across sizes (the
    # bench call, cohort and resources exist only in the generated park).
    compare: bool = True
    # The write that comes before a first visit: the cache topic its service renews (a review
    # filed renews "selection", a booking "spaces"). ``bench.query_counts`` renews it before
    # each timed first visit, as that write would.
    after: str = "companies"


def search_query(word: str, stage: str) -> str:
    return urlencode({"q": word, "stage": stage})


def targets(park: str = PARK, word: str = SEARCH_WORD, stage: str = SEARCH_STAGE) -> list[Target]:
    return [
        Target("ceiling", "/bench/ceiling/", "none", None),
        Target("signed-in page frame", f"/{park}/bench/chrome/", "session", None),
        # The park page is the manager's home: "Waiting for you" above the public part.
        Target("manager's home", f"/{park}/", "session", 0.20, after="selection"),
        # The demo founder's home and the manager's page across parks (the agenda of each
        # park from the cache). The small park has no founder of its own.
        Target("founder's home", f"/{park}/", "founder", 0.20, compare=False, after="spaces"),
        Target("manager's page across parks", "/me/", "session", None, after="selection"),
        Target("company list", f"/{park}/companies/", "session", 0.20),
        Target(
            "company search",
            f"/{park}/companies/?{search_query(word, stage)}",
            "session",
            0.20,
        ),
        Target("API company list", f"/api/v1/parks/{park}/companies", "token", 0.30),
        *national_targets(park),
    ]


def national_targets(park: str = PARK) -> list[Target]:
    """The pages of the generated park's selection, register, programmes, grants and spaces.

    The ids of the bench call and cohort come from ``bench.prepare`` (``BENCH_CALL_ID``,
    ``BENCH_COHORT_ID``); without them (the generated park lacks those parts) the pages are left
    out.
    """
    call = os.environ.get("BENCH_CALL_ID", "")
    cohort = os.environ.get("BENCH_COHORT_ID", "")
    rows = [
        # The small park has neither open calls nor residents, so its lists skip the prefetches an
        # empty list needs not: the counts at two sizes are pinned by the tests with rows in both.
        Target("open calls", f"/{park}/calls/", "none", 0.20, False, after="selection"),
        Target("resident register", f"/{park}/residents/", "none", 0.20, False, after="residency"),
        Target(
            "API resident register",
            f"/api/v1/parks/{park}/residents",
            "none",
            0.30,
            False,
            after="residency",
        ),
        # The small park has no grants, so its ledger skips the prefetches an empty list needs
        # not: the counts at two sizes are pinned by the tests with grants in both.
        Target("grant ledger", f"/{park}/grants/", "session", 0.20, False, after="grants"),
        Target(
            "spaces week view",
            f"/{park}/spaces/?type=room&view=week",
            "session",
            0.15,
            False,
            after="spaces",
        ),
        # The default view: one page (eight) of the site's rooms across, an hour a row.
        Target(
            "spaces day view",
            f"/{park}/spaces/?type=room&view=day",
            "session",
            0.15,
            False,
            after="spaces",
        ),
        Target(
            "free-slot search",
            f"/{park}/spaces/search/?{FREE_SLOT_QUERY}",
            "session",
            0.20,
            compare=False,
            after="spaces",
        ),
    ]
    # The staff queue of the engineering centre: 10,000 requests, the open ones by last change.
    # The small park has few requests in few states, so the count at two sizes is pinned by
    # tests/engineering/test_queue_query_counts.py (10 and 100 requests).
    rows.append(
        Target(
            "engineering queue",
            f"/{park}/engineering/",
            "session",
            0.20,
            compare=False,
            after="engineering",
        )
    )
    if call:
        rows += [
            Target(
                "council ranking",
                f"/{park}/calls/{call}/council/",
                "session",
                0.20,
                False,
                after="selection",
            ),
            Target(
                "API council ranking",
                f"/api/v1/parks/{park}/council/calls/{call}/ranking",
                "token",
                0.20,
                compare=False,
                after="selection",
            ),
            Target(
                "expert's review queue",
                f"/{park}/reviews/",
                "expert",
                0.20,
                compare=False,
                after="selection",
            ),
        ]
    if cohort:
        rows.append(
            Target(
                "cohort dashboard",
                f"/{park}/programmes/cohorts/{cohort}/dashboard/",
                "session",
                0.20,
                compare=False,
                after="programmes",
            )
        )
    return rows


if __name__ == "__main__":
    for target in targets():
        share = "" if target.share is None else f"{target.share:.2f}"
        print(f"{target.label}\t{target.path}\t{target.auth}\t{share}")
