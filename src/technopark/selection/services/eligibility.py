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
from technopark.residency.queries import holds_resident_status
from technopark.selection.models import (
    FAILING_CHECK,
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Call,
    CallKind,
    CheckCode,
    CheckVerdict,
    EligibilityCheck,
    EligibilityOutcome,
    EligibilityRun,
    EligibilityRunResult,
    Finding,
    RunTrigger,
)
from technopark.selection.services.ranking import ranking_refresh

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


def _direction_pair(direction: Any) -> list[str]:
    return [direction.name, getattr(direction, "name_en", "") or ""]


Result = tuple[str, bool, str, dict[str, Any]]  # code, passed, finding, its parameters


def evaluate(application: Application) -> list[Result]:
    """What each of the call's checks finds for the application, without writing anything:
    (code, passed, finding, parameters). The submit page shows it to the applicant before they
    submit; ``run_checks`` keeps it."""
    call = application.call
    company = Company.all_parks.get(park_id=application.park_id, pk=application.company_id)
    park = call.park
    results: list[Result] = []
    if call.require_region:
        ok = company.region == park.region
        results.append(
            (
                CheckCode.REGION,
                ok,
                Finding.REGION_INSIDE if ok else Finding.REGION_OUTSIDE,
                {"region": company.region, "park": park.region},
            )
        )
    if call.require_sme:
        sme = bool(company.is_sme)
        results.append((CheckCode.SME, sme, Finding.SME_YES if sme else Finding.SME_NO, {}))
    if call.require_no_tax_debt:
        declared = application.declares_no_tax_debt
        results.append(
            (
                CheckCode.TAXES,
                declared,
                Finding.TAXES_DECLARED if declared else Finding.TAXES_NOT_DECLARED,
                {},
            )
        )
    call_directions = {d.pk: d for d in call.directions.all()}
    if call.require_directions and call_directions:
        chosen = {d.pk: d for d in application.directions.all()}
        parents = {d.pk: d.parent_id for d in chosen.values()}
        ok = bool(chosen) and _within(set(chosen), set(call_directions), parents)
        params: dict[str, Any] = {}
        if not chosen:
            finding = Finding.DIRECTIONS_NONE
        elif ok:
            finding = Finding.DIRECTIONS_WITHIN
        else:
            finding = Finding.DIRECTIONS_OUTSIDE
            outside = sorted(
                (d for pk, d in chosen.items() if not _within({pk}, set(call_directions), parents)),
                key=lambda d: (d.name, d.pk),
            )
            params = {"directions": [_direction_pair(d) for d in outside]}
        results.append((CheckCode.DIRECTIONS, ok, finding, params))
    if call.kind == CallKind.RESIDENCY or call.exclude_residents:
        resident = holds_resident_status(company=company)
        results.append(
            (
                CheckCode.NOT_RESIDENT,
                not resident,
                Finding.RESIDENT if resident else Finding.NOT_RESIDENT,
                {},
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
            Finding.OTHER_APPLICATION if others else Finding.ONLY_APPLICATION,
            {},
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
    results = evaluate(application)
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
            finding=finding,
            params=params,
            changed=code not in current or current[code].passed != ok,
        )
        for code, ok, finding, params in results
    )
    found = {code for code, _ok, _finding, _params in results}
    gone = [check.pk for code, check in current.items() if code not in found]
    if gone:
        EligibilityCheck.objects.filter(pk__in=gone).delete()
    fresh: list[EligibilityCheck] = []
    for code, ok, finding, params in results:
        check = current.get(code)
        if check is None:
            fresh.append(
                EligibilityCheck(
                    application=application,
                    code=code,
                    passed=ok,
                    finding=finding,
                    params=params,
                    checked_at=now,
                )
            )
            continue
        check.passed = ok
        check.finding = finding
        check.params = params
        check.checked_at = now
        check.needs_decision = check.verdict != CheckVerdict.PENDING and (
            check.decided_on_passed is not None and check.decided_on_passed != ok
        )
        check.save(update_fields=["passed", "finding", "params", "checked_at", "needs_decision"])
    EligibilityCheck.objects.bulk_create(fresh)
    _refresh_outcome(application)
    if trigger != RunTrigger.SUBMITTED:
        after = _state(
            [check for code, check in current.items() if code in found] + fresh,
        )
        audit_record(
            park=application.park,
            actor=actor,
            action="selection.eligibility_rerun",
            target=application,
            summary=f"{trigger}: {sum(1 for _c, ok, _f, _p in results if not ok)} failing",
            before={"trigger": trigger, "checks": before},
            after={"trigger": trigger, "checks": after},
        )
    ranking_refresh(park_id=application.park_id, application_ids=[application.pk])
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
    if not reason and verdict == CheckVerdict.OVERRIDDEN:
        raise ValidationError({"reason": _("Give your reason for turning the platform's result.")})
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
    _refresh_outcome(application)
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
    ranking_refresh(park_id=application.park_id, application_ids=[application.pk])
    return locked


# --- The outcome per application ------------------------------------------------------------------


def automatic_outcome(checks: Iterable[EligibilityCheck]) -> str:
    """The platform's verdict on an application from its checks' results that count: eligible
    when every check passes, else ineligible (empty when it has no check yet)."""
    results = [check.final_passed for check in checks]
    if not results:
        return ""
    return EligibilityOutcome.ELIGIBLE if all(results) else EligibilityOutcome.INELIGIBLE


def _refresh_outcome(application: Application) -> None:
    """A staff outcome that confirmed the platform's verdict (given without a reason) is cleared
    when the verdict changes, so that it is decided again; an override (with a reason) stays."""
    if not application.eligibility_outcome or application.eligibility_reason:
        return
    checks = list(EligibilityCheck.objects.filter(application_id=application.pk))
    if automatic_outcome(checks) != application.eligibility_outcome:
        Application.all_parks.filter(pk=application.pk).update(
            eligibility_outcome="", eligibility_decided_by=None, eligibility_decided_at=None
        )
        application.eligibility_outcome = ""


DECIDABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED)


def _confirm_checks(checks: list[EligibilityCheck], *, actor: User, now: datetime) -> None:
    for check in checks:
        if check.verdict != CheckVerdict.PENDING and not check.needs_decision:
            continue
        check.verdict = CheckVerdict.CONFIRMED
        check.verdict_reason = ""
        check.decided_by = actor
        check.decided_at = now
        check.decided_on_passed = check.passed
        check.needs_decision = False
        check.save(
            update_fields=[
                "verdict",
                "verdict_reason",
                "decided_by",
                "decided_at",
                "decided_on_passed",
                "needs_decision",
            ]
        )


@transaction.atomic
def eligibility_confirm_bulk(
    *, call: Call, application_ids: Iterable[int], actor: User, at: datetime | None = None
) -> int:
    """Staff confirm the platform's verdicts for the chosen applications of ``call`` in one go:
    every check awaiting a decision is confirmed as found (no reason needed) and each
    application's outcome becomes its automatic verdict (eligible, or ineligible). An
    application already given an outcome that overrides the verdict (with a reason) keeps it.
    Applications not of the call, not submitted, or not yet checked are refused: then nothing
    changes. Locks the applications in id order. Audit-logged per application as
    ``selection.eligibility_bulk_confirm``; returns how many were confirmed."""
    ids = sorted({int(pk) for pk in application_ids})
    if not ids:
        raise ValidationError({"applications": _("Choose at least one application.")})
    if len(ids) > 1000:
        raise ValidationError({"applications": _("Choose at most 1000 applications at a time.")})
    now = at or timezone.now()
    locked = list(
        Application.all_parks.select_for_update(of=("self",))
        .filter(park_id=call.park_id, call_id=call.pk, pk__in=ids)
        .select_related("park")
        .order_by("id")
    )
    if len(locked) != len(ids):
        raise ValidationError(
            {"applications": _("Some of the chosen applications are not of this call.")}
        )
    checks_of: dict[int, list[EligibilityCheck]] = {}
    for check in EligibilityCheck.objects.select_for_update().filter(application_id__in=ids):
        checks_of.setdefault(check.application_id, []).append(check)
    for application in locked:
        if application.status not in DECIDABLE_STATUSES:
            raise ValidationError(
                {
                    "applications": _(
                        "Application #%(number)s is %(status)s: its eligibility can no longer "
                        "change."
                    )
                    % {"number": application.pk, "status": application.get_status_display()}
                }
            )
        if not checks_of.get(application.pk):
            raise ValidationError(
                {
                    "applications": _("Application #%(number)s has not been checked yet.")
                    % {"number": application.pk}
                }
            )
    for application in locked:
        checks = checks_of[application.pk]
        before = {
            "eligibility": application.eligibility_outcome,
            "reason": application.eligibility_reason,
        }
        _confirm_checks(checks, actor=actor, now=now)
        if application.eligibility_outcome and application.eligibility_reason:
            continue  # the staff's own outcome, given with a reason, stays
        application.eligibility_outcome = automatic_outcome(checks)
        application.eligibility_reason = ""
        application.eligibility_decided_by = actor
        application.eligibility_decided_at = now
        application.save(
            update_fields=[
                "eligibility_outcome",
                "eligibility_reason",
                "eligibility_decided_by",
                "eligibility_decided_at",
            ]
        )
        audit_record(
            park=application.park,
            actor=actor,
            action="selection.eligibility_bulk_confirm",
            target=application,
            summary=f"{application.pk}: {application.eligibility_outcome}",
            before=before,
            after={"eligibility": application.eligibility_outcome, "reason": ""},
        )
    ranking_refresh(park_id=call.park_id, application_ids=ids)
    return len(locked)


@transaction.atomic
def eligibility_outcome_set(
    *, application: Application, actor: User, outcome: str, reason: str, at: datetime | None = None
) -> Application:
    """Staff give one application its eligibility outcome. The platform's verdict needs no
    reason; any other outcome (turning it, or asking for information) needs one. Locks the
    application. Audit-logged as ``selection.eligibility_outcome``."""
    if outcome not in EligibilityOutcome.values:
        raise ValidationError({"outcome": _("Choose eligible, ineligible or needs information.")})
    reason = " ".join((reason or "").split())
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason within 500 characters.")})
    locked = (
        Application.all_parks.select_for_update(of=("self",))
        .select_related("park")
        .get(pk=application.pk)
    )
    if locked.status not in DECIDABLE_STATUSES:
        raise ValidationError(
            {
                "outcome": _("The application is %(status)s: its eligibility can no longer change.")
                % {"status": locked.get_status_display()}
            }
        )
    checks = list(EligibilityCheck.objects.select_for_update().filter(application=locked))
    automatic = automatic_outcome(checks)
    if outcome != automatic and not reason:
        raise ValidationError(
            {"reason": _("Give your reason: this outcome differs from the automatic verdict.")}
        )
    now = at or timezone.now()
    before = {"eligibility": locked.eligibility_outcome, "reason": locked.eligibility_reason}
    if outcome == automatic:
        _confirm_checks(checks, actor=actor, now=now)
        reason = reason if outcome != automatic else ""
    locked.eligibility_outcome = outcome
    locked.eligibility_reason = reason
    locked.eligibility_decided_by = actor
    locked.eligibility_decided_at = now
    locked.save(
        update_fields=[
            "eligibility_outcome",
            "eligibility_reason",
            "eligibility_decided_by",
            "eligibility_decided_at",
        ]
    )
    audit_record(
        park=locked.park,
        actor=actor,
        action="selection.eligibility_outcome",
        target=locked,
        summary=f"{locked.pk}: {outcome}",
        before=before,
        after={"eligibility": outcome, "automatic": automatic, "reason": reason},
    )
    ranking_refresh(park_id=locked.park_id, application_ids=[locked.pk])
    return locked


def failing_application_ids(ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` have a failing check (one query)."""
    return set(
        EligibilityCheck.objects.filter(FAILING_CHECK, application_id__in=list(ids)).values_list(
            "application_id", flat=True
        )
    )
