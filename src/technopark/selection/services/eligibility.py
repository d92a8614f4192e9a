"""Eligibility: the checks the platform runs when an application is submitted, and the manager's
verdict on each (confirm it, or override it with a reason of their own, recorded in the audit log).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.companies.models import Company
from technopark.core.fragments import writes
from technopark.residency.queries import holds_resident_status
from technopark.selection.models import (
    OPEN_STATUSES,
    Application,
    CallKind,
    CheckCode,
    CheckVerdict,
    EligibilityCheck,
)


def _within(chosen: set[int], allowed: set[int], parents: dict[int, int | None]) -> bool:
    """Every chosen direction is one of the allowed or a sub-direction of one."""
    return all(pk in allowed or parents.get(pk) in allowed for pk in chosen)


def run_checks(*, application: Application, at: datetime | None = None) -> list[EligibilityCheck]:
    """Run the call's checks on the application and store each with its reason (replacing earlier
    runs). Called by ``application_submit`` inside its transaction, with the application locked."""
    now = at or timezone.now()
    call = application.call
    company = Company.all_parks.get(park_id=application.park_id, pk=application.company_id)
    park = call.park
    results: list[tuple[str, bool, str]] = []
    if call.require_region:
        ok = company.region == park.region
        results.append(
            (
                CheckCode.REGION,
                ok,
                _("Registered in region %(region)s, the park's region.")
                % {"region": company.get_region_display()}
                if ok
                else _("Registered in region %(region)s; the park is in region %(park)s.")
                % {"region": company.get_region_display(), "park": park.get_region_display()},
            )
        )
    if call.require_sme:
        results.append(
            (
                CheckCode.SME,
                company.is_sme,
                _("The company's record says it is a small or medium business.")
                if company.is_sme
                else _("The company's record says it is not a small or medium business."),
            )
        )
    if call.require_no_tax_debt:
        declared = application.declares_no_tax_debt
        results.append(
            (
                CheckCode.TAXES,
                declared,
                _("The applicant declared that the company has no overdue taxes.")
                if declared
                else _("The applicant did not declare the company free of overdue taxes."),
            )
        )
    call_directions = {d.pk: d for d in call.directions.all()}
    if call.require_directions and call_directions:
        chosen = {d.pk: d for d in application.directions.all()}
        parents = {d.pk: d.parent_id for d in chosen.values()}
        ok = bool(chosen) and _within(set(chosen), set(call_directions), parents)
        if not chosen:
            reason = _("The application names no direction.")
        elif ok:
            reason = _("All the application's directions are among the call's.")
        else:
            outside = sorted(
                d.display_name
                for pk, d in chosen.items()
                if not _within({pk}, set(call_directions), parents)
            )
            reason = _("Outside the call's directions: %(names)s.") % {"names": ", ".join(outside)}
        results.append((CheckCode.DIRECTIONS, ok, reason))
    if call.kind == CallKind.RESIDENCY or call.exclude_residents:
        resident = holds_resident_status(company=company)
        results.append(
            (
                CheckCode.NOT_RESIDENT,
                not resident,
                _("The company is already a resident of the park.")
                if resident
                else _("The company is not a resident of the park."),
            )
        )
    others = (
        Application.all_parks.filter(
            call_id=call.pk, company_id=company.pk, status__in=[s.value for s in OPEN_STATUSES]
        )
        .exclude(pk=application.pk)
        .exists()
    )
    results.append(
        (
            CheckCode.SINGLE_APPLICATION,
            not others,
            _("The company has another open application to this call.")
            if others
            else _("This is the company's only open application to this call."),
        )
    )
    EligibilityCheck.objects.filter(application=application).delete()
    checks = [
        EligibilityCheck(
            application=application, code=code, passed=ok, reason=reason[:500], checked_at=now
        )
        for code, ok, reason in results
    ]
    EligibilityCheck.objects.bulk_create(checks)
    return checks


@transaction.atomic
def eligibility_decide(
    *, check: EligibilityCheck, actor: User, verdict: str, reason: str
) -> EligibilityCheck:
    """A manager confirms a check as the platform found it, or overrides it (turns its result),
    with their own reason; both are recorded in the audit log. Locks the check row."""
    if verdict not in (CheckVerdict.CONFIRMED, CheckVerdict.OVERRIDDEN):
        raise ValidationError({"verdict": _("Confirm or override the check.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give your reason.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason within 500 characters.")})
    locked = (
        EligibilityCheck.objects.select_for_update().select_related("application").get(pk=check.pk)
    )
    application = locked.application
    if application.status not in OPEN_STATUSES:
        raise ValidationError(
            _("The application is %(status)s: its checks can no longer change.")
            % {"status": application.get_status_display()}
        )
    before = {
        "code": locked.code,
        "passed": locked.passed,
        "verdict": locked.verdict,
        "final_passed": locked.final_passed,
        "reason": locked.verdict_reason,
    }
    locked.verdict = verdict
    locked.verdict_reason = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["verdict", "verdict_reason", "decided_by", "decided_at"])
    audit_record(
        park=application.park,
        actor=actor,
        action=(
            "selection.eligibility_override"
            if verdict == CheckVerdict.OVERRIDDEN
            else "selection.eligibility_confirm"
        ),
        target=locked,
        summary=f"{locked.code}: {verdict}",
        before=before,
        after={
            "code": locked.code,
            "passed": locked.passed,
            "verdict": verdict,
            "final_passed": locked.final_passed,
            "reason": reason,
        },
    )
    writes("selection", park_id=application.park_id)
    return locked
