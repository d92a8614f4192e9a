"""Who may see and do what in the park's programmes.

Programmes, cohorts and their schedules are the park's working records: members read them.
Staff run everything (build cohorts, schedule, take attendance, confirm stages, the demo day).
A participant's team sees its own participation and proposes stage moves with evidence; a mentor
sees the participants matched to them; an invited guest of a demo day gives feedback on pitches.
"""

from __future__ import annotations

from typing import Any

from technopark.companies.rules import acts_for
from technopark.core.scopes import in_park
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, can_read_records, is_member, is_staff
from technopark.programmes.models import (
    CurriculumSession,
    DemoDay,
    DemoDayGuest,
    Participant,
    ParticipantStatus,
)


def can_list_programmes(access: ParkAccess) -> bool:
    return can_read_records(access)


def can_view_cohort(access: ParkAccess, cohort: Any = None) -> bool:
    if not can_read_records(access):
        return False
    return cohort is None or in_park(access, cohort)


def can_manage_programmes(access: ParkAccess) -> bool:
    """Create programmes and cohorts, fill cohorts, schedule sessions, plan the demo day."""
    return is_staff(access)


def can_view_dashboard(access: ParkAccess) -> bool:
    return is_staff(access)


def can_take_attendance(access: ParkAccess, session: CurriculumSession | None = None) -> bool:
    return is_staff(access)


def can_view_my_programme(access: ParkAccess) -> bool:
    return is_member(access)


def _in_team(access: ParkAccess, participant: Participant) -> bool:
    if not access.is_authenticated:
        return False
    return any(a.user_id == access.user.pk for a in _attendees(participant))


# ``.all()`` answers from the prefetch when the page loaded it (no query), else one query.
def _attendees(participant: Participant) -> list[Any]:
    return list(participant.attendees.all())


def _mentors(participant: Participant) -> list[Any]:
    return list(participant.mentors.all())


def can_view_participants(access: ParkAccess) -> bool:
    """Asked before a participant is looked up: someone who might see one."""
    return is_member(access)


def can_view_participant(access: ParkAccess, participant: Participant) -> bool:
    """Staff; the participant's team (its attendees, or who acts for the company); its mentors."""
    if not in_park(access, participant.cohort):
        return False
    if is_staff(access):
        return True
    if not access.is_authenticated:
        return False
    if _in_team(access, participant) or acts_for(access, participant.company):
        return True
    return Role.MENTOR in access.roles and any(
        m.pk == access.user.pk for m in _mentors(participant)
    )


def can_propose_stage(access: ParkAccess, participant: Participant) -> bool:
    """A founder who acts for the company, while the company is an active participant."""
    return (
        Role.FOUNDER in access.roles
        and participant.status == ParticipantStatus.ACTIVE
        and in_park(access, participant.cohort)
        and acts_for(access, participant.company)
    )


def can_decide_stage(access: ParkAccess, participant: Participant | None = None) -> bool:
    return is_staff(access)


def can_manage_participant(access: ParkAccess, participant: Participant | None = None) -> bool:
    """Give a coworking seat and mentors, change the status."""
    return is_staff(access)


def can_allocate_seat(access: ParkAccess, participant: Participant | None = None) -> bool:
    """Give or release a participant's coworking seat (a booking in spaces)."""
    if participant is not None and not in_park(access, participant.cohort):
        return False
    return is_staff(access)


def guest_of(access: ParkAccess, demo_day: DemoDay) -> DemoDayGuest | None:
    """The visitor's invitation to ``demo_day`` (reads the prefetched guests when loaded)."""
    if not access.is_authenticated:
        return None
    for guest in demo_day.guests.all():
        if guest.user_id == access.user.pk:
            return guest
    return None


def can_view_demo_days(access: ParkAccess) -> bool:
    """Asked before a demo day is looked up: staff, and members who may have been invited."""
    return is_member(access)


def can_view_demo_day(access: ParkAccess, demo_day: DemoDay) -> bool:
    if not in_park(access, demo_day.cohort):
        return False
    return is_staff(access) or guest_of(access, demo_day) is not None


def can_give_feedback(access: ParkAccess, demo_day: DemoDay) -> bool:
    """An invited guest who is a member of the park (external guests tell staff in person)."""
    return (
        in_park(access, demo_day.cohort)
        and is_member(access)
        and guest_of(access, demo_day) is not None
    )


def can_manage_demo_day(access: ParkAccess, demo_day: DemoDay | None = None) -> bool:
    return is_staff(access)
