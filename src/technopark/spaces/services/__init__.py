"""Every write to spaces: resources and their hours, rules, certificates, bookings, the waitlist.

One module per part: resources (resources, hours, closures, booking rules, certificates),
bookings (bookings, approvals, check-in, no-shows, weekly series), waitlist, feeds; the checks a
booking passes are ``_checks`` (with how no booking is ever doubled), what several parts share
``_common``. The names callers use are re-exported here.
"""

from technopark.spaces.services._checks import _overlapping, open_intervals, week_bounds
from technopark.spaces.services._common import (
    FIRST_YEAR,
    LAST_YEAR,
    BookingConflict,
    acting_company_ids,
    conflict_message,
    describe_range,
    rule_for,
    times_readable_check,
    zone_of,
)
from technopark.spaces.services.bookings import (
    CHECK_IN_EARLY,
    SeriesResult,
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_move,
    booking_reject,
    booking_series_create,
    bookings_release_no_shows,
)
from technopark.spaces.services.feeds import feed_by_secret, feed_issue
from technopark.spaces.services.resources import (
    booking_rule_set,
    certificate_record,
    closure_create,
    has_valid_certificate,
    opening_hours_set,
    resource_create,
)
from technopark.spaces.services.seats import (
    SpacesSeatProvider,
    seat_allocate,
    seat_free_choices,
    seat_of,
    seat_release,
    seats_of,
)
from technopark.spaces.services.waitlist import (
    offers_expire,
    waitlist_accept,
    waitlist_join,
    waitlist_leave,
)

__all__ = [
    "CHECK_IN_EARLY",
    "FIRST_YEAR",
    "LAST_YEAR",
    "BookingConflict",
    "SeriesResult",
    "SpacesSeatProvider",
    "_overlapping",
    "acting_company_ids",
    "booking_approve",
    "booking_cancel",
    "booking_check_in",
    "booking_create",
    "booking_move",
    "booking_reject",
    "booking_rule_set",
    "booking_series_create",
    "bookings_release_no_shows",
    "certificate_record",
    "closure_create",
    "conflict_message",
    "describe_range",
    "feed_by_secret",
    "feed_issue",
    "has_valid_certificate",
    "offers_expire",
    "open_intervals",
    "opening_hours_set",
    "resource_create",
    "rule_for",
    "seat_allocate",
    "seat_free_choices",
    "seat_of",
    "seat_release",
    "seats_of",
    "times_readable_check",
    "waitlist_accept",
    "waitlist_join",
    "waitlist_leave",
    "week_bounds",
    "zone_of",
]
