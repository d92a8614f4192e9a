"""Who is told of a grant step that waits on them, and what: a notice in their inbox and an
e-mail (``technopark.notices``), written in the recipient's language from
``grants/email/<kind>_subject.txt`` and ``_message.txt``.

The platform keeps no language per person, so a notice is written in the site's language
(``LANGUAGE_CODE``) with dates in the park's time zone. Each call joins the caller's transaction:
a refused or rolled-back step tells nobody, and a step told once (its ``key``) is not told again.

* a tranche requested → the park's staff who may approve it (not its requester under
  segregation of duties);
* a tranche approved twice → the staff who may pay it (neither requester nor approver under
  segregation of duties);
* a payment made, a report returned or accepted, a clawback, the award cancelled, a report due
  soon or overdue → the people who act for the company.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse

from technopark.grants.models import (
    GrantAward,
    GrantPolicy,
    Milestone,
    MilestoneStatus,
    Tranche,
    TrancheApproval,
    TrancheStatus,
)
from technopark.notices.services import notify
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus, Park, Role
from technopark.residency.reminders import park_language

TEMPLATES = "grants/email/"


def _staff(park: Park) -> list[Any]:
    rows = (
        Membership.all_parks.filter(park=park, role__in=STAFF_ROLES, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("user_id")
    )
    people: dict[int, Any] = {}
    for row in rows:
        people.setdefault(row.user_id, row.user)
    return list(people.values())


def company_people(award: GrantAward) -> list[Any]:
    """The people who act for the award's company and may still see the grant: active accounts
    with an active founder membership in the award's park (a founder who left the park is told
    nothing more about its money)."""
    company = award.participant.company
    founders = Membership.all_parks.filter(
        park_id=award.park_id,
        user_id=OuterRef("user_id"),
        role=Role.FOUNDER,
        status=MembershipStatus.ACTIVE,
    )
    return [
        member.user
        for member in company.team.filter(acts_for_company=True, user__is_active=True)
        .filter(Exists(founders))
        .select_related("user")
        if member.user is not None
    ]


def _award_url(award: GrantAward, park: Park) -> str:
    return reverse("grants:detail", kwargs={"park_slug": park.slug, "pk": award.pk})


def tell(
    *,
    recipients: Iterable[Any],
    award: GrantAward,
    park: Park,
    kind: str,
    context: dict[str, Any],
    key: str,
) -> int:
    """Render ``grants/email/<kind>`` and notify ``recipients``; the number told."""
    people = [person for person in recipients if person is not None]
    if not people:
        return 0
    # Each person in their own language, else the park's (notices.notify).
    return notify(
        recipients=people,
        park=park,
        kind=f"grants.{kind}",
        template=f"{TEMPLATES}{kind}",
        context={"award": award, "company": award.participant.company, "park": park, **context},
        time_zone=park.time_zone,
        url=_award_url(award, park),
        key=key,
        language=park_language(park),
    )


def tell_tranche_requested(*, tranche: Tranche, award: GrantAward, park: Park) -> int:
    policy = GrantPolicy.for_park(park)
    people = [
        person
        for person in _staff(park)
        if not (policy.segregation_of_duties and person.pk == tranche.requested_by_id)
    ]
    return tell(
        recipients=people,
        award=award,
        park=park,
        kind="tranche_to_approve",
        context={"tranche": tranche},
        key=f"grants.tranche:{tranche.pk}:approve",
    )


def tell_tranche_approved(*, tranche: Tranche, award: GrantAward, park: Park) -> int:
    """Tell those who may pay an approved tranche — once it can be paid: while the gate waits for
    the milestone's report, the report's acceptance tells them (``tell_milestone_payable``)."""
    policy = GrantPolicy.for_park(park)
    if (
        policy.pay_only_accepted_reports
        and Milestone.objects.get(pk=tranche.milestone_id).status != MilestoneStatus.ACCEPTED
    ):
        return 0
    excluded: set[int] = set()
    if policy.segregation_of_duties:
        excluded = {tranche.requested_by_id} | set(
            TrancheApproval.objects.filter(tranche=tranche).values_list("approver_id", flat=True)
        )
    people = [person for person in _staff(park) if person.pk not in excluded]
    return tell(
        recipients=people,
        award=award,
        park=park,
        kind="tranche_to_pay",
        context={"tranche": tranche},
        key=f"grants.tranche:{tranche.pk}:pay",
    )


def tell_milestone_payable(*, milestone: Milestone, award: GrantAward, park: Park) -> int:
    """The milestone's report is accepted: its approved tranches may be paid now."""
    told = 0
    for tranche in Tranche.objects.filter(milestone=milestone, status=TrancheStatus.APPROVED):
        told += tell_tranche_approved(tranche=tranche, award=award, park=park)
    return told


def tell_company(
    *, award: GrantAward, park: Park, kind: str, context: dict[str, Any], key: str
) -> int:
    return tell(
        recipients=company_people(award),
        award=award,
        park=park,
        kind=kind,
        context=context,
        key=key,
    )
