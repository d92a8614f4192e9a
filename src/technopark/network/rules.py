"""Who may see and do what in the park's network.

* **Browsing** the network (profiles, suggestions) is for the park's members who take part in it:
  managers and admins, founders, mentors, experts, investors, customers and partners. Observers
  see aggregates only (the figures); engineers and visitors see nothing of it.
* A profile is seen by its holder and the staff always; by the other browsers only while it is
  active and visible to the park. A hidden profile of someone else is a 404, as is another
  park's.
* **Contacts** (the holder's e-mail and phone; a company's team contacts) are shown only after
  a mutual acceptance: to the holder, the staff, and the team of a company with an accepted
  introduction or a pairing with the profile (``connected_ids``, loaded once by the view).
* An **introduction** is seen by the requesting company's team, the profile's holder and the
  staff; it is answered by the holder only.
* A **pairing** and its sessions are seen by the pair and the staff; the session **notes** by
  the pair only (not the staff).
* **Matching** (weights, batch runs, pairings set by staff) is for managers and admins.

Predicates that concern one company take the ids of the companies whose team the visitor is in
(``member_ids``) or acts for (``acting_ids``), loaded once per page by the view
(``network.queries.member_company_ids`` / ``acting_company_ids``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from technopark.core.scopes import in_park
from technopark.network.models import (
    Introduction,
    IntroStatus,
    MentoringSession,
    Pairing,
    PairingStatus,
    Profile,
    Visibility,
)
from technopark.network.roles import NETWORK_ROLES, ROLE_OF_KIND
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, has_role, is_staff


def can_browse(access: ParkAccess) -> bool:
    """The network's pages: staff, founders and the holders of a network role."""
    return access.is_authenticated and (
        is_staff(access) or any(has_role(access, role) for role in NETWORK_ROLES)
    )


def can_manage(access: ParkAccess) -> bool:
    """Weights, batch matching, pairings set by staff, profiles kept for others."""
    return is_staff(access)


def can_view_figures(access: ParkAccess) -> bool:
    """The network's aggregates: staff and observers."""
    return is_staff(access) or has_role(access, Role.OBSERVER)


def kinds_held(access: ParkAccess) -> list[str]:
    """The kinds of profile the visitor may keep for themselves (by the roles they hold)."""
    return [kind for kind, role in ROLE_OF_KIND.items() if has_role(access, role)]


def owns_profile(access: ParkAccess, profile: Profile) -> bool:
    return (
        in_park(access, profile) and access.is_authenticated and profile.user_id == access.user.pk
    )


def can_view_profile(access: ParkAccess, profile: Profile) -> bool:
    if not in_park(access, profile):
        return False
    if is_staff(access) or owns_profile(access, profile):
        return True
    return can_browse(access) and profile.is_active and profile.visibility == Visibility.PARK


def can_edit_profile(access: ParkAccess, profile: Profile) -> bool:
    return in_park(access, profile) and (is_staff(access) or owns_profile(access, profile))


def can_see_contacts(
    access: ParkAccess,
    profile: Profile,
    member_ids: Collection[int],
    connected_ids: Collection[int],
) -> bool:
    """The holder's e-mail and phone: the holder, the staff, and the team of a company that the
    holder accepted (``connected_ids``: companies with an accepted introduction to the profile
    or a pairing with it)."""
    if not in_park(access, profile):
        return False
    if is_staff(access) or owns_profile(access, profile):
        return True
    return any(company_id in connected_ids for company_id in member_ids)


def can_request_intro(
    access: ParkAccess, profile: Profile, company_id: int, acting_ids: Collection[int]
) -> bool:
    """Ask for an introduction to a profile for a company one acts for (not to one's own
    profile)."""
    return (
        can_view_profile(access, profile)
        and company_id in acting_ids
        and not owns_profile(access, profile)
        and profile.is_active
        and profile.visibility == Visibility.PARK
    )


def can_view_intro(access: ParkAccess, intro: Introduction, member_ids: Collection[int]) -> bool:
    """``intro.profile`` is loaded by the view's query."""
    if not in_park(access, intro) or not can_browse(access):
        return False
    return is_staff(access) or intro.company_id in member_ids or owns_profile(access, intro.profile)


def can_answer_intro(access: ParkAccess, intro: Introduction) -> bool:
    return (
        in_park(access, intro)
        and can_browse(access)
        and intro.status == IntroStatus.REQUESTED
        and owns_profile(access, intro.profile)
    )


def can_withdraw_intro(
    access: ParkAccess, intro: Introduction, acting_ids: Collection[int]
) -> bool:
    return (
        in_park(access, intro)
        and can_browse(access)
        and intro.status == IntroStatus.REQUESTED
        and intro.company_id in acting_ids
    )


def is_pair_side(access: ParkAccess, pairing: Pairing, member_ids: Collection[int]) -> bool:
    """The mentor (``pairing.profile`` loaded by the view's query) or the company's team, while
    they take part in the network (a team row alone makes nobody a side)."""
    return (
        in_park(access, pairing)
        and can_browse(access)
        and (owns_profile(access, pairing.profile) or pairing.company_id in member_ids)
    )


def can_view_pairing(access: ParkAccess, pairing: Pairing, member_ids: Collection[int]) -> bool:
    return in_park(access, pairing) and (
        is_staff(access) or is_pair_side(access, pairing, member_ids)
    )


def can_read_notes(access: ParkAccess, pairing: Pairing, member_ids: Collection[int]) -> bool:
    """A session's notes are private to the pair: not even the staff read them."""
    return is_pair_side(access, pairing, member_ids)


def can_log_session(access: ParkAccess, pairing: Pairing, member_ids: Collection[int]) -> bool:
    return pairing.status == PairingStatus.ACTIVE and is_pair_side(access, pairing, member_ids)


def can_answer_fit(access: ParkAccess, pairing: Pairing, acting_ids: Collection[int]) -> bool:
    """The company answers the fit question, once, while the pairing is active."""
    return (
        in_park(access, pairing)
        and pairing.status == PairingStatus.ACTIVE
        and not pairing.fit
        and pairing.company_id in acting_ids
    )


def can_end_pairing(access: ParkAccess, pairing: Pairing, acting_ids: Collection[int]) -> bool:
    return (
        in_park(access, pairing)
        and pairing.status == PairingStatus.ACTIVE
        and (
            is_staff(access)
            or owns_profile(access, pairing.profile)
            or pairing.company_id in acting_ids
        )
    )


# --- intros ---


def can_see_intro_contacts(
    access: ParkAccess, intro: Introduction, member_ids: Collection[int]
) -> bool:
    """Both sides' contacts on an introduction: only once the holder accepted, and only to the
    two sides and the staff (``intro.profile`` loaded by the view's query)."""
    return intro.status == IntroStatus.ACCEPTED and can_view_intro(access, intro, member_ids)


def can_see_all_intros(access: ParkAccess) -> bool:
    """The park's introductions, every company's (the staff)."""
    return is_staff(access)


# --- matching ---


def can_see_suggestions(access: ParkAccess, company_id: int, acting_ids: Collection[int]) -> bool:
    """A company's suggestions (with their scores and reasons): the staff, and the people who
    act for the company."""
    return can_browse(access) and (is_staff(access) or company_id in acting_ids)


def can_use_suggestions(access: ParkAccess, acting_ids: Collection[int]) -> bool:
    """The suggestions page at all: the staff, and those who act for a company of the park."""
    return can_browse(access) and (is_staff(access) or bool(acting_ids))


# --- mentoring ---

#: How long after logging it a session may be deleted by its author (``services.mentoring``
#: holds the same rule).
SESSION_DELETE_DAYS = 7


def can_change_session(access: ParkAccess, session: MentoringSession) -> bool:
    """Correct a session: its author, while the pairing is active (``session.pairing``
    loaded)."""
    return (
        in_park(access, session)
        and access.is_authenticated
        and session.created_by_id == access.user.pk
        and session.pairing.status == PairingStatus.ACTIVE
    )


def can_delete_session(access: ParkAccess, session: MentoringSession, now: datetime) -> bool:
    """Delete a session: its author, within ``SESSION_DELETE_DAYS`` of logging it."""
    return can_change_session(access, session) and now - session.created_at <= timedelta(
        days=SESSION_DELETE_DAYS
    )


def can_rate_session(access: ParkAccess, pairing: Pairing, member_ids: Collection[int]) -> bool:
    """Rate a session: a side of the pair (each its own rating; the 14 days are the service's)."""
    return is_pair_side(access, pairing, member_ids)


def can_download_sessions(
    access: ParkAccess, pairing: Pairing, member_ids: Collection[int]
) -> bool:
    """The pairing's sessions as a calendar file: the pair (not the staff)."""
    return is_pair_side(access, pairing, member_ids)
