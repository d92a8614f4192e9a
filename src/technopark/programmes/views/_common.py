"""Helpers every part of the programmes pages uses: a record of the park or 404, the cohort of
the request's park, a schedule in the sites' time zones.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.core.localtime import wall_time
from technopark.parks.http import park_of
from technopark.programmes import queries
from technopark.programmes.models import Cohort
from technopark.programmes.queries import zone_name


def _found(value: Any) -> Any:
    if value is None:
        raise Http404(_("Not found in this park."))
    return value


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    cohort: Cohort = _found(queries.cohort_for(park=park_of(request), pk=pk))
    return cohort


def _schedule(sessions: list[Any], cohort: Cohort) -> list[dict[str, Any]]:
    """Sessions with their start and end in the site's time zone (the cohort's, else the park's)."""
    now = timezone.now()
    rows = []
    for session in sessions:
        zone = zone_name(site=session.site, cohort=cohort)
        rows.append(
            {
                "session": session,
                "zone": zone,
                "starts": wall_time(session.starts_at, zone),
                "ends": wall_time(session.ends_at, zone),
                # Attendance is taken once the session has started, never before.
                "started": session.starts_at <= now,
            }
        )
    return rows
