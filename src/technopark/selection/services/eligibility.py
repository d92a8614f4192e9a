"""Eligibility: the checks the platform runs when an application is submitted, and the manager's
verdict on each (confirm it, or override it with a reason of their own, recorded in the audit log).

The checks run again when the applicant answers a request for more information, when staff change
the call's checks before its deadline, and when staff ask for it. Every run is kept (its date,
why and whose action, what each check found); the current result of each check is updated in
place, and a manager's verdict is never dropped by a run: when a run finds otherwise than the
result the verdict was given on, the check is marked as needing a new decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

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
    ApplicationStatus,
    Call,
    CallKind,
    CheckCode,
    CheckVerdict,
    EligibilityCheck,
    EligibilityRun,
    EligibilityRunResult,
    RunTrigger,
)

# The call's settings the automatic checks depend on: a change to one of them re-runs the checks.
CHECK_SETTINGS = (
    "kind",
    "require_region",
    "require_sme",
    "require_no_tax_debt",
    "require_directions",
    "exclude_residents",
)

# The applications whose checks a run may change: submitted and not yet decided.
RERUN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED)


def _within(chosen: set[int], allowed: set[int], parents: dict[int, int | None]) -> bool:
    """Every chosen direction is one of the allowed or a sub-direction of one."""
    return all(pk in allowed or parents.get(pk) in allowed for pk in chosen)


def _evaluate(application: Application) -> list[tuple[str, bool, str]]:
    """What each of the call's checks finds for the application: (code, passed, reason)."""
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
    return results


def _state(checks: Iterable[EligibilityCheck]) -> dict[str, Any]:
    return {
        check.code: {
            "passed": check.passed,
            "verdict": check.verdict,
            "final_passed": check.final_passed,
            "needs_decision": check.needs_decision,
        }
        for check in checks
    }


def run_checks(
    *,
    application: Application,
    trigger: str = RunTrigger.SUBMITTED,
    actor: User | None = None,
    at: datetime | None = None,
) -> EligibilityRun:
    """Run the call's checks on the application, keep the run in the history and bring each
    check's current result up to date (a check the call no longer applies is removed; a new one
    awaits screening). A manager's verdict stays; when the run finds otherwise than the result
    it was given on, the check needs a new decision. Every run but the first (at submission,
    which ``application_submit`` audits) is audit-logged as ``selection.eligibility_rerun``.

    The caller holds the application's row lock, inside its transaction.
    """
    now = at or timezone.now()
    results = _evaluate(application)
    current = {
        check.code: check
        for check in EligibilityCheck.objects.select_for_update().filter(application=application)
    }
    before = _state(current.values())
    run = EligibilityRun.objects.create(
        application=application,
        trigger=trigger,
        triggered_by=actor if getattr(actor, "pk", None) else None,
        ran_at=now,
    )
    EligibilityRunResult.objects.bulk_create(
        EligibilityRunResult(
            run=run,
            code=code,
            passed=ok,
            reason=reason[:500],
            changed=code not in current or current[code].passed != ok,
        )
        for code, ok, reason in results
    )
    found = {code for code, _ok, _reason in results}
    gone = [check.pk for code, check in current.items() if code not in found]
    if gone:
        EligibilityCheck.objects.filter(pk__in=gone).delete()
    fresh: list[EligibilityCheck] = []
    for code, ok, reason in results:
        check = current.get(code)
        if check is None:
            fresh.append(
                EligibilityCheck(
                    application=application,
                    code=code,
                    passed=ok,
                    reason=reason[:500],
                    checked_at=now,
                )
            )
            continue
        check.passed = ok
        check.reason = reason[:500]
        check.checked_at = now
        check.needs_decision = check.verdict != CheckVerdict.PENDING and (
            check.decided_on_passed is not None and check.decided_on_passed != ok
        )
        check.save(update_fields=["passed", "reason", "checked_at", "needs_decision"])
    EligibilityCheck.objects.bulk_create(fresh)
    if trigger != RunTrigger.SUBMITTED:
        after = _state(
            [check for code, check in current.items() if code in found] + fresh,
        )
        audit_record(
            park=application.park,
            actor=actor,
            action="selection.eligibility_rerun",
            target=application,
            summary=f"{trigger}: {sum(1 for _c, ok, _r in results if not ok)} failing",
            before={"trigger": trigger, "checks": before},
            after={"trigger": trigger, "checks": after},
        )
    writes("selection", park_id=application.park_id)
    return run


def _lock_for_rerun(application: Application) -> Application:
    locked: Application = (
        Application.all_parks.select_for_update()
        .select_related("call", "call__park", "company")
        .get(pk=application.pk)
    )
    return locked


@transaction.atomic
def eligibility_rerun(
    *, application: Application, actor: User, at: datetime | None = None
) -> EligibilityRun:
    """Staff run the checks of one submitted application again (after its company's record
    changed, say). Locks the application row. Refused once the application is decided."""
    locked = _lock_for_rerun(application)
    if locked.status not in RERUN_STATUSES:
        raise ValidationError(
            _("The application is %(status)s: its checks can no longer change.")
            % {"status": locked.get_status_display()}
        )
    return run_checks(application=locked, trigger=RunTrigger.STAFF, actor=actor, at=at)


def rerun_for_call(*, call: Call, actor: User | None, at: datetime | None = None) -> int:
    """After staff changed the call's checks: run them again on every submitted application
    of the call not yet decided, provided the call has not closed (its deadline as it stood
    when the change was made; the caller checks). Locks the applications in id order, inside
    the caller's transaction (which holds the call's row lock). Returns how many ran."""
    count = 0
    for application in (
        Application.all_parks.select_for_update(of=("self",))
        .filter(park_id=call.park_id, call_id=call.pk, status__in=RERUN_STATUSES)
        .select_related("call", "call__park", "company")
        .order_by("id")
    ):
        run_checks(application=application, trigger=RunTrigger.CHECKS_CHANGED, actor=actor, at=at)
        count += 1
    return count


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
        "needs_decision": locked.needs_decision,
    }
    locked.verdict = verdict
    locked.verdict_reason = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decided_on_passed = locked.passed
    locked.needs_decision = False
    locked.save(
        update_fields=[
            "verdict",
            "verdict_reason",
            "decided_by",
            "decided_at",
            "decided_on_passed",
            "needs_decision",
        ]
    )
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
