"""The secret iCal feeds: the link, and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from technopark.core.params import ID, param_value
from technopark.parks.http import access_of, park_of, require
from technopark.parks.rules import access_for, is_member
from technopark.spaces import feeds, queries, rules, services
from technopark.spaces.models import CalendarFeed


@login_required
@require_POST
def feed_create(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_subscribe(access))
    park = park_of(request)
    resource = None
    if request.POST.get("resource"):
        resource_id = param_value(request.POST, "resource", ID, None)
        resource = queries.resource_in_park(park=park, pk=resource_id) if resource_id else None
        if resource is None:
            raise Http404(_("No such resource in this park."))
    feed = services.feed_get_or_create(park=park, user=request.user, resource=resource)
    if request.POST.get("rotate"):
        services.feed_rotate(feed=feed)
        messages.success(request, _("The link has been renewed: the old one no longer works."))
    else:
        messages.success(request, _("Your calendar link is ready: keep it secret."))
    return redirect("spaces:my", park_slug=park.slug)


@require_GET
def feed(request: HttpRequest, park_slug: str, token: str) -> HttpResponse:
    """The iCal feed: the secret in the address is the only key (calendar apps send no cookie),
    and only while its owner is still an active member of the park."""
    found = (
        CalendarFeed.all_parks.filter(park=park_of(request), token=token)
        .select_related("park", "user", "resource")
        .first()
    )
    if found is None or len(token) < 20 or not _still_member(found):
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
