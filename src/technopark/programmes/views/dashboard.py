"""The cohort dashboard, a declared fragment of the programmes, grants and companies topics."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from technopark.core.fragments import Fragment
from technopark.parks.http import access_of, park_of, require
from technopark.programmes import queries, rules

# --- The cohort dashboard -------------------------------------------------------------------------


# Attendance, stage moves, grants and overdue milestones: kept per local day, since milestones
# fall overdue at midnight without any write.
DASHBOARD = Fragment(
    "cohort-dashboard", topics=("programmes", "grants", "companies"), local_day=True
)


@login_required
@require_GET
def cohort_dashboard(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """Attendance, stage moves, grant status and overdue milestones of the cohort.

    The content is the declared fragment ``DASHBOARD``. A fresh render runs a fixed number of
    queries (``queries.cohort_dashboard``).
    """
    require(rules.can_view_dashboard(access_of(request)))
    park = park_of(request)

    def build() -> tuple[str, str]:
        cohort = queries.cohort_for(park=park, pk=pk)
        if cohort is None:
            return ("", "")  # cached too: a missing cohort stays missing until a write
        dashboard = queries.cohort_dashboard(cohort=cohort)
        content = render_to_string(
            "programmes/_dashboard_content.html",
            {"dashboard": dashboard, "cohort": cohort, "park": park},
            request=request,
        )
        return (cohort.name, content)

    name, content = DASHBOARD.get(request, build=build, args=(pk,))
    if not content:
        raise Http404(_("Not found in this park."))
    return render(
        request,
        "programmes/cohort_dashboard.html",
        {"cohort_name": name, "content": mark_safe(content)},  # noqa: S308 - our template's output
    )
