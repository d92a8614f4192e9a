"""``{% report_banner %}``: a founder sees a banner until their resident company's current
quarterly report is filed.

Cost: no query for anyone who is not a founder of the park (the roles are already loaded by the
park middleware). For a founder, one query on a cache miss, none otherwise: the banner's data is
cached per person under the park's version token (``parks.caching``), which every filed report and
status change renews, and under the park's local date (so "due" turns into "overdue" at
midnight). A person who has just joined a resident's team sees the banner once the token is next
renewed or the entry expires (``caching.TIMEOUT``).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.formats import date_format

from technopark.core.localtime import local_today
from technopark.parks import caching
from technopark.parks.models import Role
from technopark.residency import queries
from technopark.residency.schedule import current_quarter, is_overdue

register = template.Library()


@register.inclusion_tag("residency/_banner.html", takes_context=True)
def report_banner(context: Any) -> dict[str, Any]:
    request = context.get("request")
    park = getattr(request, "park", None)
    access = getattr(request, "access", None)
    if park is None or access is None or Role.FOUNDER not in access.roles:
        return {"due": []}
    user = request.user
    tz = park.time_zone
    today = local_today(tz)
    due = caching.cached_for_park(
        park=park,
        name="report-banner",
        variant=(user.pk, today.isoformat()),
        build=lambda: queries.due_reports_of_user(park=park, user=user),
    )
    if not due:
        return {"due": []}
    quarter = current_quarter(tz)
    return {
        "due": due,
        "quarter": quarter,
        "due_date": date_format(quarter.due_date, "DATE_FORMAT"),
        "overdue": is_overdue(quarter, tz),
        "base_url": reverse("residency:my_reports", kwargs={"park_slug": park.slug}),
    }
