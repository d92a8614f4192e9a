"""The spaces pages: calendar (day, week), free-slot search, booking, my bookings, approvals,
certificates, occupancy (with XLSX), and the secret iCal feeds.

Each view checks a permission that needs no record first, then looks the record up in the
request's park (another park's record: 404), then checks the permission on the record. Writes go
through ``spaces.services``; reads through ``spaces.queries``.

One module per part, as in the services: resources (certificates), bookings (booking, approvals,
my bookings), waitlist, feeds; ``overview`` holds the pages that only read (calendar, search,
occupancy), ``_common`` what several parts share. The names ``urls`` use are re-exported here.
"""

from technopark.spaces.views.bookings import (
    approvals,
    book,
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_detail,
    booking_move,
    booking_reject,
    my_bookings,
)
from technopark.spaces.views.calendar import CALENDAR, calendar
from technopark.spaces.views.feeds import feed, feed_create
from technopark.spaces.views.overview import (
    SEARCH,
    occupancy,
    occupancy_export,
    search,
)
from technopark.spaces.views.resources import certificates
from technopark.spaces.views.waitlist import waitlist_accept, waitlist_join, waitlist_leave

__all__ = [
    "CALENDAR",
    "SEARCH",
    "approvals",
    "book",
    "booking_approve",
    "booking_cancel",
    "booking_check_in",
    "booking_detail",
    "booking_move",
    "booking_reject",
    "calendar",
    "certificates",
    "feed",
    "feed_create",
    "my_bookings",
    "occupancy",
    "occupancy_export",
    "search",
    "waitlist_accept",
    "waitlist_join",
    "waitlist_leave",
]
