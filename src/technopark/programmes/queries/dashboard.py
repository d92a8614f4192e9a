"""The cohort dashboard's read, and the slot through which the grants app hands in its summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from technopark.programmes.models import (
    Attendance,
    Cohort,
    CurriculumSession,
    Participant,
    ParticipantStatus,
    ProposalStatus,
    StageProposal,
)

# --- The cohort dashboard -------------------------------------------------------------------------


@dataclass
class DashboardRow:
    participant: Participant
    present: int = 0
    marked: int = 0
    confirmed_moves: int = 0
    pending: StageProposal | None = None
    grant: Any = None

    @property
    def rate(self) -> int | None:
        return round(100 * self.present / self.marked) if self.marked else None


@dataclass
class SessionRate:
    session: CurriculumSession
    present: int
    marked: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.present / self.marked) if self.marked else None


@dataclass
class Dashboard:
    cohort: Cohort
    rows: list[DashboardRow]
    sessions: list[SessionRate]
    totals: dict[str, Any] = field(default_factory=dict)


# Participant id → what the dashboard shows of that participant's grant (read by ``grant_view``).
GrantSummaries = Callable[[Cohort], Mapping[int, Any]]


_grant_summaries: list[GrantSummaries] = []


def provide_grant_summaries(source: GrantSummaries) -> None:
    """The grants app hands in its per-participant summary (``GrantsConfig.ready``): grants
    depends on programmes (an award is a participant's), so programmes never imports grants."""
    _grant_summaries[:] = [source]


def cohort_dashboard(*, cohort: Cohort) -> Dashboard:
    """Attendance, stage moves, grant status and overdue milestones of every participant.

    Four queries of its own whatever the size (participants with companies; attendance per
    participant; sessions with their rates; stage proposals), plus the grants app's summary
    (``grants.queries.grant_summary_by_participant``, handed in: its own fixed number).
    """
    participants = list(
        cohort.participants.select_related("company").order_by("company__short_name", "id")
    )
    rows = {p.pk: DashboardRow(participant=p) for p in participants}
    # ``order_by()``: the models' default orderings (attendance by attendee, the attendee by
    # cohort, company and user) left four joins in this grouped query, and SQLite, joining every
    # attendee of every cohort to them, took 3 ms for a cohort of twenty. The participants read
    # above bound it too: through their index SQLite starts from this cohort's attendees whatever
    # its statistics say (stale ones had it scan every attendee of the park).
    for item in (
        Attendance.objects.filter(session__cohort=cohort, attendee__participant_id__in=list(rows))
        .order_by()
        .values("attendee__participant_id")
        .annotate(present=Count("id", filter=Q(present=True)), marked=Count("id"))
    ):
        row = rows.get(item["attendee__participant_id"])
        if row is not None:
            row.present, row.marked = item["present"], item["marked"]
    sessions = [
        SessionRate(session=s, present=s.n_present, marked=s.n_marked)
        for s in cohort.sessions.select_related("site")
        .annotate(
            n_present=Count("attendance", filter=Q(attendance__present=True)),
            n_marked=Count("attendance"),
        )
        .order_by("starts_at", "id")
    ]
    # By the participants read above (their index), not through a join on the cohort, which
    # SQLite answered by scanning every proposal of every cohort.
    for proposal in StageProposal.objects.filter(participant_id__in=list(rows)).order_by(
        "proposed_at", "id"
    ):
        row = rows.get(proposal.participant_id)
        if row is None:
            continue
        if proposal.status == ProposalStatus.CONFIRMED:
            row.confirmed_moves += 1
        elif proposal.status == ProposalStatus.PROPOSED:
            row.pending = proposal
    for source in _grant_summaries:
        for participant_id, value in source(cohort).items():
            if participant_id in rows:
                rows[participant_id].grant = grant_view(value)
    ordered = list(rows.values())
    present = sum(r.present for r in ordered)
    marked = sum(r.marked for r in ordered)
    totals = {
        "participants": len(ordered),
        "active": sum(1 for r in ordered if r.participant.status == ParticipantStatus.ACTIVE),
        "rate": round(100 * present / marked) if marked else None,
        "moves": sum(r.confirmed_moves for r in ordered),
        "pending": sum(1 for r in ordered if r.pending is not None),
        "overdue": sum((r.grant or {}).get("overdue_milestones", 0) or 0 for r in ordered),
    }
    return Dashboard(
        cohort=cohort,
        rows=ordered,
        sessions=sessions,
        totals=totals,
    )


_GRANT_KEYS = ("status", "status_label", "awarded", "paid", "overdue_milestones")


def grant_view(value: Any) -> dict[str, Any]:
    """What the dashboard shows of a participant's grant, from a dict or an object alike:
    ``status``/``status_label``, ``awarded``, ``paid`` (Decimals) and ``overdue_milestones``."""
    if isinstance(value, dict):
        found = {key: value.get(key) for key in _GRANT_KEYS}
    else:
        found = {key: getattr(value, key, None) for key in _GRANT_KEYS}
        display = getattr(value, "get_status_display", None)
        if callable(display) and found["status_label"] is None:
            found["status_label"] = display()
    found["status_label"] = found["status_label"] or found["status"] or ""
    found["overdue_milestones"] = int(found["overdue_milestones"] or 0)
    return found
