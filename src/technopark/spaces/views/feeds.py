"""The secret iCal feeds: the link, and the feed itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from technopark.core.params import ID, param_value
from technopark.parks.http import access_of, park_of, require
from technopark.parks.rules import access_for, is_member
from technopark.spaces import feeds, queries, rules, services
from technopark.spaces.models import CalendarFeed
from technopark.spaces.views.bookings import render_my_bookings


@login_required
@require_POST
def feed_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    """Make a calendar link, or renew it: the page shows the new link this once."""
    access = access_of(request)
    require(rules.can_subscribe(access))
    park = park_of(request)
    resource = None
    if request.POST.get("resource"):
        resource_id = param_value(request.POST, "resource", ID, None)
        resource = queries.resource_in_park(park=park, pk=resource_id) if resource_id else None
        if resource is None:
            raise Http404(_("No such resource in this park."))
    feed, secret = services.feed_issue(park=park, user=request.user, resource=resource)
    url = request.build_absolute_uri(
        reverse("spaces:feed", kwargs={"park_slug": park.slug, "token": secret})
    )
    return render_my_bookings(request, new_feed=(feed, url))


@require_GET
def feed(request: HttpRequest, park_slug: str, token: str) -> HttpResponse:
    """The iCal feed: the secret in the address is the only key (calendar apps send no cookie),
    and only while its owner is still an active member of the park."""
    found = services.feed_by_secret(park=park_of(request), secret=token)
    if found is None or not _still_member(found):
        raise Http404(_("No such calendar."))
    body = feeds.render_feed(found, host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bookings.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


feed.park_secret_link = True  # type: ignore[attr-defined]


def _still_member(found: CalendarFeed) -> bool:
    """A feed stops when its owner's account is closed or they leave the park."""
    return bool(found.user.is_active and is_member(access_for(found.user, found.park)))
