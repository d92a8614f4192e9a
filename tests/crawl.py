"""A same-site crawler for the navigation and layout tests.

It follows the ``<a href>`` links of the pages a visitor can open (GET only), starting from their
home, and records which named URL pattern each page belongs to. A pattern is visited a few times at
most (the first instances found), so a park of two hundred companies is crawled in a few hundred
requests. Links that change state or leave the site are not followed: signing out, switching
language (a POST anyway), the API, the Django admin, allauth's own pages.

Downloads (CSV, XLSX, iCal) count as reached when a page links them; they are not fetched.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

# Pattern prefixes nobody navigates to by links inside the product: machine and admin interfaces.
SKIPPED_PREFIXES = ("/api/", "/admin/", "/accounts/", "/i18n/", "/static/", "/media/")
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".ics", ".pdf")
# Files served to whoever may read the record they belong to, linked from that record's page when
# it has any (the demo uploads no application files; only some grant reports carry attachments).
DOWNLOADS = {
    "selection:application_file": "a file answer, linked from the application's page",
    "grants:attachment": "a grant report's attachment, linked from the grant's page",
}


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name"
    route: str  # "<slug:park_slug>/calls/<id:call_id>/"


def named_patterns() -> list[Pattern]:
    """Every named URL pattern of the project outside the API, the admin and allauth."""

    def walk(patterns: list[object], prefix: str, namespace: str) -> Iterator[Pattern]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield Pattern(name, prefix + str(entry.pattern))

    return [
        pattern
        for pattern in walk(get_resolver().url_patterns, "", "")
        if not ("/" + pattern.route).startswith(SKIPPED_PREFIXES)
    ]


def pattern_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href)
        # A picker's search box asks its endpoint with htmx: the page leads there too.
        search = values.get("hx-get")
        if search:
            self.hrefs.append(search)


def links_of(html: str, base: str) -> list[str]:
    """The same-site paths (with their query) that a page links to, in page order."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        absolute, _fragment = urldefrag(urljoin("http://testserver" + base, href))
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@dataclass
class CrawlResult:
    reached: dict[str, list[str]] = field(default_factory=dict)  # pattern → URLs answered 200
    linked_downloads: dict[str, str] = field(default_factory=dict)  # pattern → one URL
    failures: dict[str, int] = field(default_factory=dict)  # URL → status ≥ 500 or unexpected
    referrers: dict[str, str] = field(default_factory=dict)  # URL → the page that linked it
    pages: int = 0


Fetch = Callable[[str], tuple[int, str]]  # path → (status, html)


def crawl(
    fetch: Fetch, starts: list[str], *, limit: int = 400, per_pattern: int = 2
) -> CrawlResult:
    """Breadth-first from ``starts``: at most ``per_pattern`` URLs of one pattern and ``limit``
    pages in all. A link to a page the visitor may not open (403, 404) is recorded as a failure:
    a page never links what its reader cannot open."""
    result = CrawlResult()
    queue: deque[str] = deque(starts)
    seen: set[str] = set(starts)
    taken: dict[str, int] = {}
    while queue and result.pages < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        name = pattern_name(path)
        if name is None:
            result.failures[url] = 404
            continue
        if path.endswith(DOWNLOAD_SUFFIXES) or name in DOWNLOADS:
            result.linked_downloads.setdefault(name, url)
            continue
        if taken.get(name, 0) >= per_pattern:
            continue
        taken[name] = taken.get(name, 0) + 1
        status, html = fetch(url)
        result.pages += 1
        if status != 200:
            # Redirects are fine for a link (a list that forwards to its only item); errors are not.
            if status not in (301, 302, 303):
                result.failures[url] = status
            continue
        result.reached.setdefault(name, []).append(url)
        for link in links_of(html, url):
            target = urlsplit(link).path
            if target.startswith(SKIPPED_PREFIXES) or link in seen:
                continue
            seen.add(link)
            result.referrers[link] = url
            queue.append(link)
    return result
