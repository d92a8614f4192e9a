"""Reads of programmes, shaped for the pages and the API; each runs a fixed number of queries.

One module per part, as in ``services`` and ``views``: cohorts, participants (and their
progress), curriculum, the dashboard, the demo day. Callers name the reads here; other apps use
``is_active_participant`` (spaces) and ``provide_grant_summaries`` (grants, in its
``AppConfig.ready``).
"""

from technopark.programmes.queries._common import members_with_roles, zone_name
from technopark.programmes.queries.cohorts import (
    cohort_demo_day,
    cohort_for,
    cohort_participants,
    cohort_sessions,
    programme_calls,
    programme_detail,
    programme_list,
)
from technopark.programmes.queries.curriculum import (
    attendance_of_users,
    session_for,
    session_sheet,
    sessions_of_cohorts,
)
from technopark.programmes.queries.dashboard import (
    Dashboard,
    DashboardRow,
    GrantSummaries,
    SessionRate,
    cohort_dashboard,
    grant_view,
    provide_grant_summaries,
)
from technopark.programmes.queries.demo_day import (
    demo_day_feedback_rows,
    demo_day_for,
    guest_by_link,
    guest_for,
    guest_links_expire_at,
    guest_options,
    guest_pitches,
)
from technopark.programmes.queries.participants import (
    admitted_applications,
    applications_by_ids,
    is_active_participant,
    mentor_options,
    my_participations,
    participant_attendance,
    participant_follow_ups,
    participant_for,
    participant_seat,
    participant_seats,
    participants_query,
    proposal_for,
    seat_choices,
    seats_offered,
)

__all__ = [
    "Dashboard",
    "DashboardRow",
    "GrantSummaries",
    "SessionRate",
    "admitted_applications",
    "applications_by_ids",
    "attendance_of_users",
    "cohort_dashboard",
    "cohort_demo_day",
    "cohort_for",
    "cohort_participants",
    "cohort_sessions",
    "demo_day_feedback_rows",
    "demo_day_for",
    "grant_view",
    "guest_by_link",
    "guest_for",
    "guest_links_expire_at",
    "guest_options",
    "guest_pitches",
    "is_active_participant",
    "members_with_roles",
    "mentor_options",
    "my_participations",
    "participant_attendance",
    "participant_follow_ups",
    "participant_for",
    "participant_seat",
    "participant_seats",
    "participants_query",
    "programme_calls",
    "programme_detail",
    "programme_list",
    "proposal_for",
    "provide_grant_summaries",
    "seat_choices",
    "seats_offered",
    "session_for",
    "session_sheet",
    "sessions_of_cohorts",
    "zone_name",
]
