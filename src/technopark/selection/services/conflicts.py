"""Declared conflicts of interest: an expert declares one, or withdraws it.

What counts as a conflict, and finding them, are reads: ``selection.queries.conflicts``
(re-exported here for the callers that declare and check in one place).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.companies.models import Company
from technopark.core.fragments import writes
from technopark.parks.models import Membership, MembershipStatus
from technopark.selection.models import ConflictKind, ConflictOfInterest, ExpertProfile
from technopark.selection.queries.conflicts import (
    PUBLIC_DOMAINS,
    Conflict,
    conflict_pairs,
    email_domain,
    expert_conflicts,
    experts_of_park,
    normalise_name,
)

__all__ = [
    "PUBLIC_DOMAINS",
    "Conflict",
    "conflict_declare",
    "conflict_pairs",
    "conflict_withdraw",
    "email_domain",
    "expert_conflicts",
    "experts_of_park",
    "normalise_name",
]

_SPACES = re.compile(r"\s+")


def _state(conflict: ConflictOfInterest) -> dict[str, object]:
    return {
        "expert_id": conflict.expert_id,
        "kind": conflict.kind,
        "company_id": conflict.company_id,
        "person_id": conflict.person_id,
        "organisation": conflict.organisation,
        "reason": conflict.reason,
    }


def _audit(
    conflict: ConflictOfInterest,
    action: str,
    before: dict,
    after: dict,
    actor: User | None = None,
) -> None:
    expert = conflict.expert
    audit_record(
        park=expert.park,
        actor=actor or expert.user,
        action=action,
        target=conflict,
        summary=f"{expert.user.email}: {conflict.kind}",
        before=before,
        after=after,
    )


@transaction.atomic
def conflict_declare(
    *,
    expert: ExpertProfile,
    kind: str,
    company_inn: str = "",
    person_email: str = "",
    organisation: str = "",
    reason: str = "",
    declared_by: User | None = None,
) -> ConflictOfInterest:
    """An expert declares a conflict with a company of the park (by INN), a person of the park (by
    e-mail) or an organisation (by name or INN); or a manager (``declared_by``) declares it for
    them. Declaring the same conflict twice is refused. No lock: a declaration only adds a row.
    Audit-logged as ``selection.conflict_declare`` (the expert, or the manager, is the actor)."""
    reason = reason.strip()
    if len(reason) > 300:
        raise ValidationError({"reason": _("A reason has at most 300 characters.")})
    conflict = ConflictOfInterest(expert=expert, kind=kind, reason=reason, declared_by=declared_by)
    existing = ConflictOfInterest.objects.filter(expert=expert, kind=kind)
    if kind == ConflictKind.COMPANY:
        inn = company_inn.strip()
        company = Company.all_parks.filter(park_id=expert.park_id, inn=inn).first() if inn else None
        if company is None:
            raise ValidationError({"company_inn": _("No company of this park has this INN.")})
        conflict.company = company
        existing = existing.filter(company=company)
    elif kind == ConflictKind.PERSON:
        address = person_email.strip()
        person = User.objects.filter(email__iexact=address).first() if address else None
        is_member = (
            person is not None
            and Membership.all_parks.filter(
                park_id=expert.park_id, user=person, status=MembershipStatus.ACTIVE
            ).exists()
        )
        if person is None or not is_member:
            raise ValidationError(
                {"person_email": _("No member of this park has this e-mail address.")}
            )
        if person.pk == expert.user_id:
            raise ValidationError(
                {
                    "person_email": _("This is the expert's own address.")
                    if declared_by
                    else _("This is your own address.")
                }
            )
        conflict.person = person
        existing = existing.filter(person=person)
    elif kind == ConflictKind.ORGANISATION:
        name = _SPACES.sub(" ", organisation).strip()
        if not name:
            raise ValidationError({"organisation": _("Name the organisation or give its INN.")})
        if len(name) > 300:
            raise ValidationError({"organisation": _("A name has at most 300 characters.")})
        conflict.organisation = name
        if any(
            normalise_name(o) == normalise_name(name)
            for o in existing.values_list("organisation", flat=True)
        ):
            raise ValidationError({"organisation": _("You have already declared this conflict.")})
        existing = existing.none()
    else:
        raise ValidationError({"kind": _("Choose a company, a person or an organisation.")})
    if existing.exists():
        field = "company_inn" if kind == ConflictKind.COMPANY else "person_email"
        raise ValidationError({field: _("This conflict has already been declared.")})
    conflict.save()
    _audit(conflict, "selection.conflict_declare", {}, _state(conflict), actor=declared_by)
    writes("selection", park_id=expert.park_id)
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: ConflictOfInterest, actor: User | None = None) -> None:
    """An expert (or a manager, ``actor``) withdraws a declaration (the automatic conflicts
    stay: they are not rows). Audit-logged as ``selection.conflict_withdraw``, before the row
    goes."""
    park_id = conflict.expert.park_id
    _audit(conflict, "selection.conflict_withdraw", _state(conflict), {}, actor=actor)
    conflict.delete()
    writes("selection", park_id=park_id)
