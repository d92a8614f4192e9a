"""The programmes pages: programmes and cohorts, filling a cohort, the schedule, attendance,
participants and their progress, the cohort dashboard, the demo day, and "my programme".

Each view checks a permission that needs no record first (403), then looks the record up in the
request's park (another park's record is not found: 404), then checks the permission on it.
Writes go through ``programmes.services``; reads through ``programmes.queries``.

One module per part: cohorts, participants (and their progress), curriculum, the dashboard, the
demo day. ``programmes.urls`` names the views here.
"""

from technopark.programmes.views.cohorts import (
    cohort_create,
    cohort_detail,
    programme_create,
    programme_list,
)
from technopark.programmes.views.curriculum import session_attendance, session_create
from technopark.programmes.views.dashboard import DASHBOARD, cohort_dashboard
from technopark.programmes.views.demo_day import (
    demo_day_detail,
    demo_day_edit,
    demo_day_feedback,
    demo_day_feedback_export,
    demo_day_invite,
    demo_day_order,
)
from technopark.programmes.views.guests import guest_feedback, guest_resend, guest_revoke
from technopark.programmes.views.manage import (
    cohort_edit,
    cohort_remove,
    cohort_restore,
    programme_edit,
    programme_remove,
    programme_restore,
    session_edit,
    session_remove,
)
from technopark.programmes.views.participants import (
    cohort_fill,
    grants_url,
    my_programme,
    participant_detail,
    participant_manage,
    participant_seat_allocate,
    participant_seat_release,
    stage_decide,
    stage_propose,
)

__all__ = [
    "DASHBOARD",
    "cohort_create",
    "cohort_dashboard",
    "cohort_detail",
    "cohort_edit",
    "cohort_fill",
    "cohort_remove",
    "cohort_restore",
    "demo_day_detail",
    "demo_day_edit",
    "demo_day_feedback",
    "demo_day_feedback_export",
    "demo_day_invite",
    "demo_day_order",
    "grants_url",
    "guest_feedback",
    "guest_resend",
    "guest_revoke",
    "my_programme",
    "participant_detail",
    "participant_manage",
    "participant_seat_allocate",
    "participant_seat_release",
    "programme_create",
    "programme_edit",
    "programme_list",
    "programme_remove",
    "programme_restore",
    "session_attendance",
    "session_create",
    "session_edit",
    "session_remove",
    "stage_decide",
    "stage_propose",
]
