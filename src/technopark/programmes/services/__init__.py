"""Every write to programmes, cohorts, participants, the curriculum, progress and the demo day.

Each function validates, writes inside one transaction, and declares what it wrote
(``writes("programmes", ...)``): the cohort dashboard is a fragment of that topic. Refusals are ``ValidationError`` keyed by the field they are about.

One module per part: cohorts, participants (and their progress), curriculum, demo day. Callers
name the functions here (``programmes.services.cohort_fill``); the parts are where they live.
"""

from technopark.programmes.services.cohorts import (
    cohort_create,
    cohort_in_use,
    cohort_remove,
    cohort_restore,
    cohort_update,
    programme_create,
    programme_in_use,
    programme_remove,
    programme_restore,
    programme_update,
)
from technopark.programmes.services.curriculum import (
    attendance_record,
    session_create,
    session_removal_problem,
    session_remove,
    session_update,
)
from technopark.programmes.services.demo_day import (
    GUEST_ROLES,
    demo_day_save,
    demo_day_set_order,
    feedback_record,
    feedback_record_many,
    guest_invite,
    guest_link_digest,
    guest_link_is_open,
    guest_link_renew,
    guest_link_resend,
    guest_revoke,
)
from technopark.programmes.services.participants import (
    STAGE_ORDER,
    cohort_fill,
    cohort_fill_companies,
    participant_add,
    participant_seat_allocate,
    participant_seat_release,
    participant_set_mentors,
    participant_set_seat,
    participant_set_status,
    participant_sync_team,
    participant_update,
    stage_decide,
    stage_propose,
)

__all__ = [
    "GUEST_ROLES",
    "STAGE_ORDER",
    "attendance_record",
    "cohort_create",
    "cohort_fill",
    "cohort_fill_companies",
    "cohort_in_use",
    "cohort_remove",
    "cohort_restore",
    "cohort_update",
    "demo_day_save",
    "demo_day_set_order",
    "feedback_record",
    "feedback_record_many",
    "guest_invite",
    "guest_link_digest",
    "guest_link_is_open",
    "guest_link_renew",
    "guest_link_resend",
    "guest_revoke",
    "participant_add",
    "participant_seat_allocate",
    "participant_seat_release",
    "participant_set_mentors",
    "participant_set_seat",
    "participant_set_status",
    "participant_sync_team",
    "participant_update",
    "programme_create",
    "programme_in_use",
    "programme_remove",
    "programme_restore",
    "programme_update",
    "session_create",
    "session_removal_problem",
    "session_remove",
    "session_update",
    "stage_decide",
    "stage_propose",
]
