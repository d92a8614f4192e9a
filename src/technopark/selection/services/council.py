"""The council's writes: a decision on one application, or one outcome for several at once.

A decision locks the application's row (``select_for_update``), refuses an application that is not
awaiting the council (only a *submitted* application can be decided, so nothing is decided twice),
writes the ``Decision``, moves the application to its new status, appends an entry to the audit
chain (who, when, what, the state before and after) in the same transaction, renews the park's
cached pages and, once the transaction commits, queues the notice to the applicant.

* admit — the application becomes *admitted*; for a residency call the company is made a resident
  (``residency.services.resident_admit``) under the agreement number and start date given here;
  for a programme intake or a grant call only the status changes (programmes and grants follow).
* reject — the application becomes *rejected*.
* more_info — the request goes through ``applications.application_request_info`` with the message
  for the applicant (that part mails it); the application waits for their answer and can be
  decided again afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.parks.models import Park, Site
from technopark.selection.models import (
    Application,
    ApplicationStatus,
    Call,
    CallKind,
    Decision,
    DecisionOutcome,
)
from technopark.selection.services.ranking import ranking_refresh

__all__ = ["AUDIT_ACTION", "MAX_BATCH", "decision_record", "decisions_record_batch"]

AUDIT_ACTION = "selection.decision"
MAX_BATCH = 500
MAX_TEXT = 10_000

_NEW_STATUS = {
    DecisionOutcome.ADMIT: ApplicationStatus.ADMITTED,
    DecisionOutcome.REJECT: ApplicationStatus.REJECTED,
    DecisionOutcome.MORE_INFO: ApplicationStatus.INFO_REQUESTED,
}


def _check_input(*, outcome: str, rationale: str, message_for_applicant: str) -> None:
    errors: dict[str, str] = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = _("Choose admit, reject or ask for more information.")
    if not rationale.strip():
        errors["rationale"] = _("Give the council's reasons for the decision.")
    elif len(rationale) > MAX_TEXT:
        errors["rationale"] = _("Keep the rationale under %(n)s characters.") % {"n": MAX_TEXT}
    if len(message_for_applicant) > MAX_TEXT:
        errors["message_for_applicant"] = _("Keep the message under %(n)s characters.") % {
            "n": MAX_TEXT
        }
    elif outcome == DecisionOutcome.MORE_INFO and not message_for_applicant.strip():
        errors["message_for_applicant"] = _("Tell the applicant what information is needed.")
    if errors:
        raise ValidationError(errors)


def _not_awaiting(application: Application) -> str:
    if application.status in (ApplicationStatus.ADMITTED, ApplicationStatus.REJECTED):
        return _("“%(title)s” has already been decided.") % {"title": _label(application)}
    return _("“%(title)s” is not awaiting the council's decision (it is %(status)s).") % {
        "title": _label(application),
        "status": application.get_status_display().lower(),
    }


def _label(application: Application) -> str:
    return str(application.title or application.company.short_name or f"#{application.pk}")


def _check_admission(
    *, call: Call, agreement_number: str, start_date: date | None, site: Site | None
) -> None:
    if call.kind != CallKind.RESIDENCY:
        return
    errors: dict[str, str] = {}
    if not agreement_number.strip():
        errors["agreement_number"] = _("Give the number of the resident agreement.")
    elif len(agreement_number.strip()) > 50:
        errors["agreement_number"] = _("Keep the agreement number under 50 characters.")
    if start_date is None:
        errors["start_date"] = _("Give the date the residency starts.")
    if site is not None and site.park_id != call.park_id:
        errors["site"] = _("Choose a site of this park.")
    if errors:
        raise ValidationError(errors)


def _request_info(*, application: Application, actor: User, message: str) -> None:
    """Ask the applicant for more information through the applications part (which records it,
    audits it as ``selection.info_request`` and mails the request to the applicant)."""
    from technopark.selection.services.applications import application_request_info

    try:
        application_request_info(application=application, actor=actor, message=message)
    except ValidationError as error:
        # Its fields are named for its own form: say them in the council's words.
        renamed = {"message": "message_for_applicant", "status": NON_FIELD_ERRORS}
        if hasattr(error, "error_dict"):
            raise ValidationError(
                {renamed.get(name, name): errors for name, errors in error.error_dict.items()}
            ) from error
        raise


def _admit_resident(
    *,
    application: Application,
    actor: User,
    decision: Decision,
    start_date: date,
    site: Site | None,
) -> None:
    """Make the company a resident (the residency part records it and audits it there)."""
    from technopark.residency.services import resident_admit

    directions = list(application.directions.all()) or list(application.company.directions.all())
    resident_admit(
        park=application.park,
        company=application.company,
        actor=actor,
        agreement_number=decision.agreement_number,
        start_date=start_date,
        site=site,
        directions=directions,
        application_id=application.pk,
    )


def _decide(
    *,
    application: Application,
    actor: User,
    outcome: str,
    rationale: str,
    message_for_applicant: str,
    agreement_number: str = "",
    start_date: date | None = None,
    site: Site | None = None,
) -> Decision:
    """Decide one locked application (inside the caller's transaction)."""
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_not_awaiting(application))
    call = application.call
    admits_resident = outcome == DecisionOutcome.ADMIT and call.kind == CallKind.RESIDENCY
    if admits_resident:
        _check_admission(
            call=call, agreement_number=agreement_number, start_date=start_date, site=site
        )
        site = site or call.site
    before = {"status": application.status}
    decision = Decision.all_parks.create(
        park_id=application.park_id,
        application=application,
        outcome=outcome,
        rationale=rationale.strip(),
        message_for_applicant=message_for_applicant.strip(),
        agreement_number=agreement_number.strip() if admits_resident else "",
        start_date=start_date if admits_resident else None,
        site=site if admits_resident else None,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    if outcome == DecisionOutcome.MORE_INFO:
        _request_info(application=application, actor=actor, message=decision.message_for_applicant)
    else:
        application.status = _NEW_STATUS[DecisionOutcome(outcome)]
        application.save(update_fields=["status", "updated_at"])
        if admits_resident and start_date is not None:  # start_date: checked above
            _admit_resident(
                application=application,
                actor=actor,
                decision=decision,
                start_date=start_date,
                site=site,
            )
    after: dict[str, Any] = {
        "status": _NEW_STATUS[DecisionOutcome(outcome)].value,
        "decision": decision.pk,
        "outcome": outcome,
        "rationale": decision.rationale,
        "message_for_applicant": decision.message_for_applicant,
    }
    if admits_resident:
        after.update(
            agreement_number=decision.agreement_number,
            start_date=decision.start_date,
            site=getattr(site, "pk", None),
        )
    audit_record(
        park=application.park,
        actor=actor,
        action=AUDIT_ACTION,
        target=application,
        summary=f"{outcome}: {_label(application)}",
        before=before,
        after=after,
    )
    if outcome != DecisionOutcome.MORE_INFO:  # the request for information is mailed by its part
        _queue_notice(decision_id=decision.pk)
    return decision


def _queue_notice(*, decision_id: int) -> None:
    from technopark.selection.tasks.council import decision_notice_send

    language = settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: decision_notice_send.enqueue(decision_id=decision_id, language=language)
    )


def _locked(queryset: Any) -> Any:
    # ``of=("self",)``: lock the applications only, not the calls and companies joined to them.
    return queryset.select_for_update(of=("self",)).select_related("call", "company", "park")


@transaction.atomic
def decision_record(
    *,
    application: Application,
    actor: User,
    outcome: str,
    rationale: str,
    message_for_applicant: str = "",
    agreement_number: str = "",
    start_date: date | None = None,
    site: Site | None = None,
) -> Decision:
    """Record the council's decision on ``application`` (see the module docstring).

    Locking: the application's row (``select_for_update``) for the whole transaction, so two
    members of staff deciding the same application at once are served one after the other and
    the second is refused. Admission to a residency call needs ``agreement_number`` and
    ``start_date`` (``site`` defaults to the call's site).
    """
    _check_input(outcome=outcome, rationale=rationale, message_for_applicant=message_for_applicant)
    locked = _locked(
        Application.all_parks.filter(park_id=application.park_id, pk=application.pk)
    ).get()
    decision = _decide(
        application=locked,
        actor=actor,
        outcome=outcome,
        rationale=rationale,
        message_for_applicant=message_for_applicant,
        agreement_number=agreement_number,
        start_date=start_date,
        site=site,
    )
    ranking_refresh(park_id=locked.park_id, application_ids=[locked.pk])
    return decision


@transaction.atomic
def decisions_record_batch(
    *,
    park: Park,
    call: Call,
    application_ids: Iterable[int],
    actor: User,
    outcome: str,
    rationale: str,
    message_for_applicant: str = "",
) -> list[Decision]:
    """One outcome with a shared rationale for several applications of ``call``: all or none.

    Admission to a residency call is refused here (each resident needs its own agreement number:
    admit them one at a time). Locking: the chosen applications' rows, in id order (so two batches
    never wait on each other crosswise), for the whole transaction; any of them not awaiting the
    council refuses the whole batch, naming it.
    """
    ids = sorted(set(application_ids))
    _check_input(outcome=outcome, rationale=rationale, message_for_applicant=message_for_applicant)
    if not ids:
        raise ValidationError({"applications": _("Choose at least one application.")})
    if len(ids) > MAX_BATCH:
        raise ValidationError(
            {"applications": _("Decide at most %(n)s applications at once.") % {"n": MAX_BATCH}}
        )
    if outcome == DecisionOutcome.ADMIT and call.kind == CallKind.RESIDENCY:
        raise ValidationError(
            {"outcome": _("Admit residents one at a time: each needs its own agreement number.")}
        )
    rows = list(
        _locked(Application.all_parks.filter(park=park, call=call, pk__in=ids)).order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError({"applications": _("Choose applications of this call.")})
    waiting = [row for row in rows if row.status != ApplicationStatus.SUBMITTED]
    if waiting:
        raise ValidationError({"applications": [_not_awaiting(row) for row in waiting]})
    decisions = [
        _decide(
            application=row,
            actor=actor,
            outcome=outcome,
            rationale=rationale,
            message_for_applicant=message_for_applicant,
        )
        for row in rows
    ]
    ranking_refresh(park_id=park.pk, application_ids=ids)
    return decisions
