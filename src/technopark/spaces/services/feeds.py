"""The secret calendar feed links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from technopark.core.scopes import in_park
from technopark.parks.models import Park
from technopark.spaces.models import (
    CalendarFeed,
    Resource,
)

# --- calendar feeds -----------------------------------------------------------------------------


@transaction.atomic
def feed_get_or_create(*, park: Park, user: Any, resource: Resource | None = None) -> CalendarFeed:
    """The person's secret feed link (their bookings, or one resource's). Locking: none; the
    unique constraints keep one link per person and target."""
    if resource is not None and not in_park(park, resource):
        raise ValidationError({"resource": _("Choose a resource of this park.")})
    feed = CalendarFeed.all_parks.filter(park=park, user=user, resource=resource).first()
    if feed is None:
        feed = CalendarFeed.all_parks.create(park=park, user=user, resource=resource)
    return feed


@transaction.atomic
def feed_rotate(*, feed: CalendarFeed) -> CalendarFeed:
    """A new secret for the link: the old address stops working. Locking: none."""
    from technopark.spaces.models import _new_feed_token

    feed.token = _new_feed_token()
    feed.save(update_fields=["token"])
    return feed
