"""The park's rules for paying grants: pay only against accepted reports, and segregation of
duties. Both are on unless a park admin turns them off; every change is in the audit chain."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.grants.models import GrantPolicy
from technopark.parks.models import Park


@transaction.atomic
def grant_policy_set(
    *,
    park: Park,
    actor: User,
    pay_only_accepted_reports: bool,
    segregation_of_duties: bool,
) -> GrantPolicy:
    """Set the park's grant policy (the row is created, with the defaults, on the first change).
    Locking: the policy row (``select_for_update``). Audit-logged as ``grants.policy`` with the
    rules before and after; a change to nothing is not recorded."""
    for name, value in (
        ("pay_only_accepted_reports", pay_only_accepted_reports),
        ("segregation_of_duties", segregation_of_duties),
    ):
        if not isinstance(value, bool):
            raise ValidationError({name: _("Choose yes or no.")})
    # Two first saves at once: get_or_create makes the row once (the other reads it), then the
    # lock orders the changes.
    _row, created = GrantPolicy.objects.get_or_create(park=park)
    if created:
        writes("grants", park_id=park.pk)
    policy = GrantPolicy.objects.select_for_update().get(park_id=park.pk)
    before = policy.as_dict()
    policy.pay_only_accepted_reports = pay_only_accepted_reports
    policy.segregation_of_duties = segregation_of_duties
    if policy.pk is not None and policy.as_dict() == before:
        return policy
    policy.updated_by = actor
    policy.save()
    audit_record(
        park=park,
        actor=actor,
        action="grants.policy",
        target=policy,
        summary=", ".join(f"{key}={value}" for key, value in policy.as_dict().items()),
        before=before,
        after=policy.as_dict(),
    )
    writes("grants", park_id=park.pk)
    return policy
