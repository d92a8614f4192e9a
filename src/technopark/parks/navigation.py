"""The header's navigation, and the sections' own (``SECTIONS``): tables of links, each shown
when its permission predicate allows.

The links a visitor sees depend only on the park, the visitor's roles there, their global role
and the language, so the list is worked out once per such combination in a process (not once
per page): every page pays the header, and a dozen ``{% allowed %}`` tags cost more than the
rest of an empty page. Which link is current is decided per request.

The tables name the other apps' pages only by their predicate and URL names (strings, looked up
when the links are worked out, as ``{% allowed %}`` does): parks, the base app, imports none of
them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.parks.rules import ParkAccess


@dataclass(frozen=True)
class Link:
    label: Any  # a lazy translation
    # Alternatives in order: the first (predicate, URL name) the visitor may open is shown.
    targets: tuple[tuple[str, str], ...]
    app: str = ""  # current on every page of this app (URL namespace) …
    url_names: tuple[str, ...] = ()  # … or only on these pages (URL names)


LINKS = (
    Link(_("About the park"), (("parks.can_view_park", "parks:home"),), url_names=("home",)),
    Link(_("Companies"), (("companies.can_list_companies", "companies:list"),), app="companies"),
    Link(
        _("Calls"), (("selection.can_view_calls", "selection:call_list"),), url_names=("call_list",)
    ),
    Link(
        _("My applications"),
        (("selection.can_list_own_applications", "selection:application_list"),),
        url_names=("application_list",),
    ),
    Link(
        _("My reviews"),
        (("selection.can_review", "selection:review_queue"),),
        url_names=("review_queue",),
    ),
    Link(
        _("Selection"),
        (("selection.can_manage_calls", "selection:call_manage_list"),),
        url_names=("call_manage_list",),
    ),
    Link(
        _("Residents"),
        (
            ("residency.can_view_residents", "residency:staff_list"),
            ("residency.can_view_register", "residency:register"),
        ),
        app="residency",
    ),
    Link(
        _("Quarterly reports"),
        (("residency.can_file_reports", "residency:my_reports"),),
        url_names=("my_reports",),
    ),
    Link(_("Spaces"), (("spaces.can_view_spaces", "spaces:calendar"),), app="spaces"),
    Link(
        _("Programmes"), (("programmes.can_list_programmes", "programmes:list"),), app="programmes"
    ),
    Link(_("Grants"), (("grants.can_view_grants", "grants:list"),), app="grants"),
    Link(_("My grants"), (("grants.can_view_my_grants", "grants:my_grants"),), app="grants"),
    Link(
        pgettext_lazy("menu", "Engineering"),
        (
            ("engineering.can_work_requests", "engineering:queue"),
            ("engineering.can_request_services", "engineering:my_requests"),
            ("engineering.can_view_figures", "engineering:figures"),
        ),
        app="engineering",
    ),
    Link(
        pgettext_lazy("menu", "Network"),
        # Observers get the network's home too: it says they see its aggregates only.
        (("network.can_browse", "network:home"), ("network.can_view_figures", "network:home")),
        app="network",
    ),
    Link(_("Settings"), (("parks.can_configure_park", "parks:settings"),), url_names=("settings",)),
    Link(_("People"), (("parks.can_manage_members", "people:members"),), url_names=("members",)),
)


# A section's own row of links under its heading ({% section_nav "spaces" %}).
SECTIONS: dict[str, tuple[Link, ...]] = {
    "network": (
        Link(
            pgettext_lazy("network section", "Overview"),
            (("network.can_browse", "network:home"),),
            url_names=("home",),
        ),
        Link(
            pgettext_lazy("network section", "People"),
            (("network.can_browse", "network:directory"),),
            url_names=("directory", "profile"),
        ),
        Link(
            _("Introductions"),
            (("network.can_browse", "network:intros"),),
            url_names=("intros", "intro", "intro_new"),
        ),
        Link(
            pgettext_lazy("network section", "Mentoring"),
            (("network.can_browse", "network:pairings"),),
            url_names=("pairings", "pairing", "pairing_new", "session"),
        ),
        Link(
            _("Batch matching"),
            (("network.can_manage", "network:runs"),),
            url_names=("runs", "run", "weights"),
        ),
    ),
    "engineering": (
        Link(
            _("Request queue"),
            (("engineering.can_work_requests", "engineering:queue"),),
            url_names=("queue",),
        ),
        Link(
            _("My requests"),
            (("engineering.can_request_services", "engineering:my_requests"),),
            url_names=("my_requests",),
        ),
        Link(
            _("New request"),
            (("engineering.can_request_services", "engineering:request_new"),),
            url_names=("request_new",),
        ),
        Link(
            _("Catalogue and prices"),
            (("engineering.can_configure_catalogue", "engineering:setup"),),
            url_names=("setup", "setup_service_new", "setup_service"),
        ),
        Link(
            _("Work order board"),
            (("engineering.can_view_board", "engineering:board"),),
            url_names=("board",),
        ),
        Link(
            _("Figures"),
            (("engineering.can_view_figures", "engineering:figures"),),
            url_names=("figures",),
        ),
        Link(
            _("Charges"),
            (("engineering.can_view_charges", "engineering:charges"),),
            url_names=("charges",),
        ),
    ),
    "spaces": (
        Link(
            _("Calendar"), (("spaces.can_view_spaces", "spaces:calendar"),), url_names=("calendar",)
        ),
        Link(
            _("Find a free slot"),
            (("spaces.can_view_spaces", "spaces:search"),),
            url_names=("search",),
        ),
        Link(
            pgettext_lazy("menu: make a booking", "Book"),
            (("spaces.can_book", "spaces:book"),),
            url_names=("book",),
        ),
        Link(_("My bookings"), (("spaces.can_view_spaces", "spaces:my"),), url_names=("my",)),
        Link(
            _("My certificates"),
            (("spaces.can_view_own_certificates", "spaces:my_certificates"),),
            url_names=("my_certificates",),
        ),
        Link(
            _("Approvals"),
            (("spaces.can_approve_bookings", "spaces:approvals"),),
            url_names=("approvals",),
        ),
        Link(
            _("Certificates"),
            (("spaces.can_manage_certificates", "spaces:certificates"),),
            url_names=("certificates",),
        ),
        Link(
            _("Training sessions"),
            (("spaces.can_manage_certificates", "spaces:training"),),
            url_names=("training",),
        ),
        Link(
            _("Incidents"),
            (("spaces.can_manage_incidents", "spaces:incidents"),),
            url_names=("incidents", "incident"),
        ),
        Link(
            _("Occupancy"),
            (("spaces.can_view_occupancy", "spaces:occupancy"),),
            url_names=("occupancy",),
        ),
        Link(
            pgettext_lazy("spaces section", "Set-up"),
            (("spaces.can_configure_spaces", "spaces:setup_resources"),),
            url_names=(
                "setup_resources",
                "setup_resource_new",
                "setup_resource",
                "setup_hours",
                "setup_closures",
                "setup_closure",
                "setup_rules",
                "setup_rule",
            ),
        ),
    ),
    "grants": (
        Link(_("Grant ledger"), (("grants.can_view_grants", "grants:list"),), url_names=("list",)),
        Link(
            _("Award a grant"),
            (("grants.can_manage_grants", "grants:award_create"),),
            url_names=("award_create",),
        ),
        Link(
            _("Grant policy"), (("grants.can_view_grants", "grants:policy"),), url_names=("policy",)
        ),
        Link(
            _("My grants"),
            (("grants.can_view_my_grants", "grants:my_grants"),),
            url_names=("my_grants",),
        ),
    ),
}


@cache
def _predicate(name: str) -> Any:
    app, _dot, function = name.partition(".")
    return getattr(importlib.import_module(f"technopark.{app}.rules"), function)


@dataclass(frozen=True)
class NavLink:
    href: str
    label: str
    app: str
    url_names: tuple[str, ...]


def nav_links(
    access: ParkAccess | None, language: str, match: Any, section: str = ""
) -> list[dict[str, Any]]:
    """The header's links for this visitor (or a section's, with ``section``), each marked
    ``current`` for the page being shown."""
    if access is None or access.park is None:
        return []
    park = access.park
    key = (
        section,
        park.pk,
        park.slug,
        park.is_public,
        access.roles,
        access.is_authenticated,
        access.is_platform_admin,
        access.is_national_observer,
    )
    links = _cached(key, language, access)
    app = getattr(match, "app_name", "") or ""
    url_name = getattr(match, "url_name", "") or ""
    return [
        {
            "href": link.href,
            "label": link.label,
            "current": (link.app and link.app == app) or url_name in link.url_names,
        }
        for link in links
    ]


_by_key: dict[tuple[Any, ...], tuple[NavLink, ...]] = {}


def _cached(key: tuple[Any, ...], language: str, access: ParkAccess) -> tuple[NavLink, ...]:
    full = (*key, language)
    links = _by_key.get(full)
    if links is None:
        if len(_by_key) > 4096:  # many parks × roles × languages: start again rather than grow
            _by_key.clear()
        links = _by_key[full] = _compute(access, SECTIONS[key[0]] if key[0] else LINKS)
    return links


def _compute(access: ParkAccess, table: tuple[Link, ...]) -> tuple[NavLink, ...]:
    park = access.park
    if park is None:
        return ()
    shown = []
    for link in table:
        for predicate, url_name in link.targets:
            if _predicate(predicate)(access):
                href = reverse(url_name, kwargs={"park_slug": park.slug})
                shown.append(NavLink(href, str(link.label), link.app, link.url_names))
                break
    return tuple(shown)
