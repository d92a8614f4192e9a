"""The secret calendar feed links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.core.scopes import in_park
from technopark.parks.models import Park
from technopark.spaces.models import (
    CalendarFeed,
    Resource,
    _new_feed_token,
    feed_token_hash,
)

# --- calendar feeds -----------------------------------------------------------------------------


@transaction.atomic
def feed_issue(
    *, park: Park, user: Any, resource: Resource | None = None
) -> tuple[CalendarFeed, str]:
    """Make the person's secret feed link (their bookings, or one resource's), or give an
    existing one a new secret; return the feed and the secret, which is stored only as its
    SHA-256 and shown this once. A renewed link's old address stops working at once.

    Locking: the feed row when it exists; the unique constraints keep one link per person and
    target.
    """
    if resource is not None and not in_park(park, resource):
        raise ValidationError({"resource": _("Choose a resource of this park.")})
    secret = _new_feed_token()
    now = timezone.now()
    feed = (
        CalendarFeed.all_parks.select_for_update()
        .filter(park=park, user=user, resource=resource)
        .first()
    )
    if feed is None:
        feed = CalendarFeed.all_parks.create(
            park=park,
            user=user,
            resource=resource,
            token_hash=feed_token_hash(secret),
            renewed_at=now,
        )
    else:
        feed.token_hash = feed_token_hash(secret)
        feed.renewed_at = now
        feed.save(update_fields=["token_hash", "renewed_at"])
    return feed, secret


def feed_by_secret(*, park: Park, secret: str) -> CalendarFeed | None:
    """The feed a link's secret opens in ``park`` (found by the secret's hash), or None."""
    if len(secret) < 20 or len(secret) > 200:
        return None
    return (
        CalendarFeed.all_parks.filter(park=park, token_hash=feed_token_hash(secret))
        .select_related("park", "user", "resource")
        .first()
    )
