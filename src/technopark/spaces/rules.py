"""Who may see and do what with spaces and bookings.

Booking for a company needs acting for it (``companies.rules.acts_for``); the service checks that
again, with the company's standing (resident, participant, outside) and the type's booking rules.
"""

from __future__ import annotations

from collections.abc import Collection

from technopark.core.scopes import in_park
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, has_role, is_member, is_staff
from technopark.spaces.models import Booking, Resource, WaitlistEntry


def can_view_spaces(access: ParkAccess) -> bool:
    """The calendar, the free-slot search and the resources: every member of the park."""
    return is_member(access)


def can_book(access: ParkAccess) -> bool:
    """May ask for a booking at all: staff, and founders (for the companies they act for)."""
    return is_staff(access) or has_role(access, Role.FOUNDER)


def can_view_resource(access: ParkAccess, resource: Resource) -> bool:
    return can_view_spaces(access) and in_park(access, resource)


def owns_booking(access: ParkAccess, booking: Booking, company_ids: Collection[int]) -> bool:
    """Made it, or acts for its company (``company_ids``: the companies the visitor acts for)."""
    if not access.is_authenticated:
        return False
    return booking.booked_by_id == access.user.pk or (
        booking.company_id is not None and booking.company_id in company_ids
    )


def can_view_booking(access: ParkAccess, booking: Booking, company_ids: Collection[int]) -> bool:
    if not in_park(access, booking):
        return False
    return is_staff(access) or owns_booking(access, booking, company_ids)


def can_change_booking(access: ParkAccess, booking: Booking, company_ids: Collection[int]) -> bool:
    """Move, cancel, check in: staff, the booker, or someone acting for its company."""
    return can_view_booking(access, booking, company_ids) and (
        is_staff(access) or has_role(access, Role.FOUNDER)
    )


def can_see_booker(access: ParkAccess, booking: Booking, company_ids: Collection[int]) -> bool:
    """Another company's name is private: shown to staff and to that company's own people."""
    return is_staff(access) or owns_booking(access, booking, company_ids)


def can_approve_bookings(access: ParkAccess) -> bool:
    return is_staff(access)


def can_manage_certificates(access: ParkAccess) -> bool:
    return is_staff(access)


def can_configure_spaces(access: ParkAccess) -> bool:
    """Resources, opening hours, closures and booking rules: the park's staff (admins and
    managers), who run the spaces."""
    return is_staff(access)


def can_view_occupancy(access: ParkAccess) -> bool:
    return is_staff(access) or has_role(access, Role.OBSERVER)


def can_use_waitlist(access: ParkAccess) -> bool:
    return can_book(access)


def can_change_waitlist_entry(access: ParkAccess, entry: WaitlistEntry) -> bool:
    if not in_park(access, entry) or not access.is_authenticated:
        return False
    return is_staff(access) or entry.user_id == access.user.pk


def can_subscribe(access: ParkAccess) -> bool:
    """Make a secret calendar link (own bookings, or a resource's): every signed-in member."""
    return is_member(access) and access.is_authenticated


def can_manage_incidents(access: ParkAccess) -> bool:
    """Open and close incidents, see them and the downtime: the park's staff and its engineers."""
    return is_staff(access) or has_role(access, Role.ENGINEER)


def can_view_own_certificates(access: ParkAccess) -> bool:
    """Every signed-in member sees their own certificates and when they lapse."""
    return is_member(access) and access.is_authenticated
