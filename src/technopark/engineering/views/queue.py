"""The staff queue: requests by state and engineer. Its content is the declared fragment
``QUEUE``: the same for every manager and admin of the park; an engineer's is their own (the
confidential requests they are assigned to), keyed by who they are."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from technopark.core.fragments import Fragment
from technopark.core.params import PAGE, Choice, Integer
from technopark.engineering import queries, rules
from technopark.engineering.models import RequestState, ServiceRequest
from technopark.parks.http import access_of, park_of, require, wants_partial
from technopark.parks.models import Park

QUEUE = Fragment(
    "engineering-queue",
    # requests and quotes; the companies' names; the engineers to filter by
    topics=("engineering", "companies", "memberships"),
    varies_on=(rules.can_see_all_requests,),
    params={
        "state": Choice.of(queries.QueueFilters.STATES),
        "engineer": Integer(),
        "page": PAGE,
    },
    partial=True,
)


@login_required
@require_GET
def queue(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_work_requests(access))
    park = park_of(request)
    sees_all = rules.can_see_all_requests(access)
    partial = wants_partial(request)
    # Managers share one entry; an engineer's queue holds the confidential requests assigned to
    # them, so it is theirs alone.
    args = () if sees_all else (request.user.pk,)
    return QUEUE.respond(
        request,
        build=lambda: _render(request, park, sees_all=sees_all, partial=partial),
        template="engineering/queue.html",
        slot="queue_content",
        args=args,
    )


def _render(request: HttpRequest, park: Park, *, sees_all: bool, partial: bool) -> str:
    filters = queries.QueueFilters.from_params(request.GET)
    rows = queries.queue(park=park, user=request.user, sees_all=sees_all, filters=filters)
    page = Paginator(rows, settings.TECHNOPARK_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    # the page of the queue's queryset: a slice of it, still a queryset
    shown = queries.queue_rows(cast("QuerySet[ServiceRequest]", page.object_list))
    # Each state's name put into words once: ``get_state_display`` translated all eleven for
    # every row (it hashes the field's lazy choices).
    labels = dict(RequestState.choices)
    for row in shown:
        row.state_label = labels.get(row.state, row.state)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "park": park,
        "page": page,
        "rows": shown,
        "filters": filters,
        "query": params.urlencode(),
    }
    if not partial:
        counts = queries.queue_counts(park=park, user=request.user, sees_all=sees_all)
        context["states"] = [(value, label, counts[value]) for value, label in RequestState.choices]
        context["engineers"] = list(queries.engineers(park=park))
    template = "engineering/_queue_results.html" if partial else "engineering/_queue_content.html"
    return render_to_string(template, context, request=request)
