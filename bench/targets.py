"""What the benchmark measures: the URLs, how each signs in, and the target share of the ceiling.

``python -m bench.targets`` prints them as tab-separated lines for ``bench/run.sh``; the query-count
check (``bench.query_counts``) and the report (``bench.report``) read the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

PARK = "yakutia"
SMALL_PARK = "magadan"
# About one company in twenty is called "… Софт"; with the stage filter the search finds ~750
# of 50,000, so the search page has a full first page and a count to make.
SEARCH_WORD = "софт"
SEARCH_STAGE = "prototype"


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    auth: str  # "none", "session" (the manager's cookie) or "token" (the manager's API token)
    share: float | None  # the target: at least this share of the ceiling's requests/s


def search_query(word: str, stage: str) -> str:
    return urlencode({"q": word, "stage": stage})


def targets(park: str = PARK, word: str = SEARCH_WORD, stage: str = SEARCH_STAGE) -> list[Target]:
    return [
        Target("ceiling", "/bench/ceiling/", "none", None),
        Target("signed-in page frame", f"/{park}/bench/chrome/", "session", None),
        Target("park page", f"/{park}/", "session", None),
        Target("company list", f"/{park}/companies/", "session", 0.20),
        Target(
            "company search",
            f"/{park}/companies/?{search_query(word, stage)}",
            "session",
            0.20,
        ),
        Target("API company list", f"/api/v1/parks/{park}/companies", "token", 0.30),
    ]


if __name__ == "__main__":
    for target in targets():
        share = "" if target.share is None else f"{target.share:.2f}"
        print(f"{target.label}\t{target.path}\t{target.auth}\t{share}")
