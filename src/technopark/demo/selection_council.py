"""Demo decisions of the council: one application admitted into residency, one rejected, one sent
back for more information, each chosen among the park's submitted applications that have filed
reviews (made by the applications and review parts' demo, which must run first).

``seed_selection_council(park, accounts=…)`` decides through ``selection.services.council`` as
the demo manager, so each decision is audited, renews the park's pages and mails its notice.

Idempotent: an outcome that the demo has already recorded in the park (its rationale starts with
``DEMO``'s mark) is not recorded again, so a second run changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from technopark.core.localtime import local_today
from technopark.parks.models import Park
from technopark.selection.models import (
    Application,
    ApplicationStatus,
    CallKind,
    Decision,
    DecisionOutcome,
)
from technopark.selection.services.council import decision_record

logger = logging.getLogger(__name__)

MARK = "[demo] "
DEMO_DOMAIN = "demo.technopark"


def _manager(accounts: Any) -> Any:
    """The demo manager, whether ``accounts`` maps roles or e-mails to users, or is a list of
    (account spec, user) pairs as ``SeedResult.accounts``."""
    email = f"manager@{DEMO_DOMAIN}"
    if isinstance(accounts, dict):
        for key in ("manager", email):
            if key in accounts:
                return accounts[key]
        pairs = list(accounts.items())
    else:
        pairs = list(accounts)
    for spec, user in pairs:
        if email in (getattr(spec, "email", None), getattr(user, "email", None)):
            return user
    return None


PLAN: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    (
        DecisionOutcome.ADMIT,
        (CallKind.RESIDENCY,),
        "Highest weighted total of the call; the experts agree; fits the park's directions.",
        "Welcome to the park! The resident agreement is ready for signing at the IT park.",
    ),
    (
        DecisionOutcome.REJECT,
        (CallKind.RESIDENCY, CallKind.PROGRAMME, CallKind.GRANT),
        "Below the line: the project duplicates an existing resident's.",
        "Thank you for applying. We would welcome a new application with a distinct product.",
    ),
    (
        DecisionOutcome.MORE_INFO,
        (CallKind.RESIDENCY, CallKind.PROGRAMME, CallKind.GRANT),
        "The experts disagree on the market; letters of intent would settle it.",
        "Please add letters of intent from two prospective customers.",
    ),
)


def _candidates(park: Park, kinds: tuple[str, ...]) -> list[Application]:
    """Submitted applications with at least one filed review, best covered first."""
    return list(
        Application.all_parks.filter(
            park=park, status=ApplicationStatus.SUBMITTED, call__kind__in=kinds
        )
        .annotate(
            filed=Count(
                "assignments__review",
                filter=Q(assignments__review__submitted_at__isnull=False),
            )
        )
        .filter(filed__gt=0)
        .select_related("call", "company")
        .order_by("-filed", "pk")[:20]
    )


def seed_selection_council(park: Park, *, accounts: Any) -> None:
    """Record the demo decisions of ``park`` that are missing (see the module docstring)."""
    manager = _manager(accounts)
    if manager is None:
        return
    for outcome, kinds, rationale, message in PLAN:
        if Decision.all_parks.filter(
            park=park, outcome=outcome, rationale__startswith=MARK
        ).exists():
            continue
        for application in _candidates(park, kinds):
            extra: dict[str, Any] = {}
            if outcome == DecisionOutcome.ADMIT:
                extra = {
                    # A resident agreement's number as the park registers them: year and serial.
                    "agreement_number": (
                        f"ДР-{local_today(park.time_zone).year}-{application.pk:03d}"
                    ),
                    "start_date": local_today(park.time_zone) + timedelta(days=14),
                }
            try:
                decision_record(
                    application=application,
                    actor=manager,
                    outcome=outcome,
                    rationale=MARK + rationale,
                    message_for_applicant=message,
                    **extra,
                )
            except ValidationError as error:  # e.g. the company is a resident already
                logger.info("Demo decision skipped for application %s: %s", application.pk, error)
                continue
            break
