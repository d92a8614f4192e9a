"""The network's home page (/<park>/network/): what the network is for, the visitor's own
profiles or the ones their roles let them create, their companies' open needs and bookmarks, and
links to every part. Observers get a short page (they see the network's figures only); anyone
else outside the network gets a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from technopark.network import queries, rules
from technopark.network.models import ProfileKind
from technopark.network.queries import profiles as profile_queries
from technopark.parks.http import access_of, park_of
from technopark.parks.models import Role
from technopark.parks.rules import has_role, is_staff

#: how many of the companies' open needs and bookmarks the home page lists
SHOWN = 5


@login_required
def home(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    park = park_of(request)
    if not rules.can_browse(access):
        if rules.can_view_figures(access):
            return render(request, "network/home_observer.html", {"park": park})
        raise Http404(_("No such page in this park."))
    own = list(profile_queries.own_profiles(park=park, user=request.user))
    for row in own:
        row.kind_label = ProfileKind(row.kind).label  # type: ignore[attr-defined]
    held = {row.kind for row in own}
    creatable = [
        (kind, ProfileKind(kind).label) for kind in rules.kinds_held(access) if kind not in held
    ]
    acting = queries.acting_company_ids(park=park, user=request.user)
    open_needs: list[object] = []
    bookmarks: list[object] = []
    if acting:
        open_needs = list(
            profile_queries.needs_of(park=park, company_ids=acting, open_only=True)[:SHOWN]
        )
        bookmarks = list(profile_queries.bookmarks_of(park=park, company_ids=acting)[:SHOWN])
    staff = is_staff(access)
    return render(
        request,
        "network/home.html",
        {
            "park": park,
            "own": own,
            "creatable": creatable,
            "founder": bool(acting) or has_role(access, Role.FOUNDER),
            "acting": bool(acting),
            "open_needs": open_needs,
            "bookmarks": bookmarks,
            "staff": staff,
        },
    )


urlpatterns = [
    path("", home, name="home"),
]
