"""Eligibility checks run again (after an answer to a request for information, after the call's
checks changed before its deadline, at staff's request), with every run kept, manual verdicts kept
and flagged when a run finds otherwise, and every re-run audit-logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from technopark.audit.models import AuditEntry
from technopark.selection.models import (
    ApplicationStatus,
    CheckVerdict,
    EligibilityCheck,
    EligibilityRun,
    RunTrigger,
)
from technopark.selection.services import applications as services
from technopark.selection.services import calls as call_services
from technopark.selection.services import drafts as draft_services
from technopark.selection.services.eligibility import eligibility_decide, eligibility_rerun
from tests.conftest import ROLES
from tests.factories import DirectionFactory
from tests.selection.fixtures_apply import fill

pytestmark = pytest.mark.django_db


def check(application, code):
    return EligibilityCheck.objects.get(application=application, code=code)


def runs(application):
    """Each run, oldest first: (trigger, {code: passed})."""
    return [
        (run.trigger, {r.code: r.passed for r in run.results.all()})
        for run in EligibilityRun.objects.filter(application=application).order_by("ran_at", "id")
    ]


@pytest.fixture
def outside(world, apply_call, draft):
    """The founder's application, submitted in a direction outside the call's: its directions
    check fails."""
    bio = DirectionFactory(park=world.park, code="bio", name_en="Biotech")
    founder = world.users["founder"]
    fill(draft, founder)
    draft_services.application_save(application=draft, actor=founder, directions=[bio])
    services.application_submit(application=draft, actor=founder, declares_no_tax_debt=True)
    assert not check(draft, "directions").passed
    return draft


def ask_and_fix(world, application, *, answer="Moved the project to IT."):
    """Staff ask for information; the applicant fixes the directions and answers."""
    services.application_request_info(
        application=application, actor=world.users["manager"], message="Your directions?"
    )
    draft_services.application_save(
        application=application, actor=world.users["founder"], directions=[world.direction]
    )
    services.application_answer_info(
        application=application, actor=world.users["founder"], answer=answer
    )


# --- After an answer to a request for information ------------------------------------------------


def test_an_answer_runs_the_checks_again_and_both_runs_are_kept(world, outside):
    ask_and_fix(world, outside)
    assert check(outside, "directions").passed
    history = runs(outside)
    assert [trigger for trigger, _ in history] == [
        RunTrigger.SUBMITTED,
        RunTrigger.INFO_ANSWERED,
    ]
    assert history[0][1]["directions"] is False
    assert history[1][1]["directions"] is True
    latest = EligibilityRun.objects.filter(application=outside).order_by("-ran_at", "-id").first()
    assert latest.triggered_by == world.users["founder"]
    changed = {r.code: r.changed for r in latest.results.all()}
    assert changed["directions"] is True and changed["sme"] is False
    entry = AuditEntry.objects.get(action="selection.eligibility_rerun")
    assert entry.actor_id == world.users["founder"].pk
    assert entry.before["trigger"] == RunTrigger.INFO_ANSWERED
    assert entry.before["checks"]["directions"]["passed"] is False
    assert entry.after["checks"]["directions"]["passed"] is True


def test_a_refused_answer_runs_nothing(world, outside):
    services.application_request_info(
        application=outside, actor=world.users["manager"], message="Why?"
    )
    with pytest.raises(ValidationError):
        services.application_answer_info(
            application=outside, actor=world.users["founder"], answer="  "
        )
    assert len(runs(outside)) == 1
    assert not AuditEntry.objects.filter(action="selection.eligibility_rerun").exists()


# --- Manual verdicts -----------------------------------------------------------------------------


def test_a_verdict_is_kept_and_asks_for_a_new_decision_when_a_run_finds_otherwise(world, outside):
    manager = world.users["manager"]
    eligibility_decide(
        check=check(outside, "directions"),
        actor=manager,
        verdict=CheckVerdict.CONFIRMED,
        reason="Biotech is not ours",
    )
    eligibility_decide(
        check=check(outside, "sme"), actor=manager, verdict=CheckVerdict.CONFIRMED, reason="OK"
    )
    ask_and_fix(world, outside)
    directions = check(outside, "directions")
    assert directions.passed is True  # what the platform finds now
    assert directions.verdict == CheckVerdict.CONFIRMED  # the verdict is not dropped
    assert directions.verdict_reason == "Biotech is not ours"
    assert directions.decided_by == manager
    assert directions.needs_decision is True
    assert directions.final_passed is False  # the verdict counts until staff decide again
    # A check whose result did not change keeps its verdict without a new decision.
    sme = check(outside, "sme")
    assert (sme.verdict, sme.needs_decision) == (CheckVerdict.CONFIRMED, False)
    # Staff decide again: the flag goes.
    decided = eligibility_decide(
        check=directions, actor=manager, verdict=CheckVerdict.CONFIRMED, reason="Now in IT"
    )
    assert (decided.needs_decision, decided.final_passed) == (False, True)
    entry = AuditEntry.objects.filter(action="selection.eligibility_confirm").latest("id")
    assert entry.before["needs_decision"] is True


def test_a_run_finding_again_what_the_verdict_was_given_on_clears_the_flag(world, outside):
    manager = world.users["manager"]
    eligibility_decide(
        check=check(outside, "directions"),
        actor=manager,
        verdict=CheckVerdict.OVERRIDDEN,
        reason="Biotech counts here",
    )
    ask_and_fix(world, outside)
    assert check(outside, "directions").needs_decision
    # The applicant goes back to biotech; staff run the checks again.
    bio = DirectionFactory(park=world.park, code="bio2", name_en="Biotech 2")
    services.application_request_info(application=outside, actor=manager, message="Again?")
    draft_services.application_save(
        application=outside, actor=world.users["founder"], directions=[bio]
    )
    services.application_answer_info(
        application=outside, actor=world.users["founder"], answer="Back to biotech."
    )
    again = check(outside, "directions")
    assert (again.passed, again.needs_decision, again.final_passed) == (False, False, True)


# --- After the call's checks changed -------------------------------------------------------------


def test_changing_the_checks_before_the_deadline_runs_them_again(world, apply_call, submitted):
    world.company.is_sme = False
    world.company.save()
    manager = world.users["manager"]
    # A change that touches no check runs nothing.
    call_services.call_update(call=apply_call, actor=manager, title="Residency 2026, spring")
    assert len(runs(submitted)) == 1
    call_services.call_update(call=apply_call, actor=manager, require_sme=False)
    history = runs(submitted)
    assert [trigger for trigger, _ in history] == [
        RunTrigger.SUBMITTED,
        RunTrigger.CHECKS_CHANGED,
    ]
    assert "sme" in history[0][1] and "sme" not in history[1][1]
    assert not EligibilityCheck.objects.filter(application=submitted, code="sme").exists()
    entry = AuditEntry.objects.get(action="selection.eligibility_rerun")
    assert entry.actor_id == manager.pk
    assert entry.before["trigger"] == RunTrigger.CHECKS_CHANGED
    assert "sme" in entry.before["checks"] and "sme" not in entry.after["checks"]
    # Turned on again: a new check, awaiting screening.
    call_services.call_update(call=apply_call, actor=manager, require_sme=True)
    sme = check(submitted, "sme")
    assert (sme.passed, sme.verdict) == (False, CheckVerdict.PENDING)


def test_changing_the_call_directions_runs_the_checks_again(world, apply_call, submitted):
    bio = DirectionFactory(park=world.park, code="bio", name_en="Biotech")
    call_services.call_update(call=apply_call, actor=world.users["manager"], directions=[bio])
    assert not check(submitted, "directions").passed
    assert runs(submitted)[-1][0] == RunTrigger.CHECKS_CHANGED


def test_decided_and_draft_applications_are_not_run_again(world, apply_call, submitted):
    submitted.status = ApplicationStatus.ADMITTED
    submitted.save(update_fields=["status"])
    other = draft_services.application_start(
        call=apply_call, company=world.other_company, actor=world.users["other_founder"]
    )
    call_services.call_update(call=apply_call, actor=world.users["manager"], require_sme=False)
    assert len(runs(submitted)) == 1
    assert runs(other) == []


def test_changing_the_checks_after_the_deadline_runs_nothing(world, apply_call, submitted):
    after = apply_call.closes_at + dt.timedelta(minutes=1)
    call_services.call_update(
        call=apply_call, actor=world.users["manager"], require_sme=False, at=after
    )
    assert len(runs(submitted)) == 1
    assert check(submitted, "sme")  # the check stays as it was
    assert not AuditEntry.objects.filter(action="selection.eligibility_rerun").exists()
    # Extending the deadline in the same change does not count: the deadline in force applies.
    call_services.call_update(
        call=apply_call,
        actor=world.users["manager"],
        require_region=False,
        closes_at=after + dt.timedelta(days=5),
        at=after,
    )
    assert len(runs(submitted)) == 1


# --- Staff re-run ---------------------------------------------------------------------------------


def test_staff_run_the_checks_again(world, submitted):
    world.company.is_sme = False
    world.company.save()
    eligibility_rerun(application=submitted, actor=world.users["manager"])
    assert not check(submitted, "sme").passed
    trigger, _results = runs(submitted)[-1]
    assert trigger == RunTrigger.STAFF
    entry = AuditEntry.objects.get(action="selection.eligibility_rerun")
    assert entry.actor_id == world.users["manager"].pk


def test_staff_cannot_run_the_checks_of_a_decided_application(world, submitted):
    submitted.status = ApplicationStatus.REJECTED
    submitted.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        eligibility_rerun(application=submitted, actor=world.users["manager"])
    assert len(runs(submitted)) == 1


def rerun_url(application, park="yakutia"):
    return reverse(
        "selection:call_screening_rerun",
        kwargs={
            "park_slug": park,
            "call_id": application.call_id,
            "application_id": application.pk,
        },
    )


RERUN = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 302,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_rerun_page_role_matrix(client_for, submitted, role):
    response = client_for(role).post(rerun_url(submitted))
    assert response.status_code == RERUN[role]
    assert len(runs(submitted)) == (2 if role == "manager" else 1)


def test_rerun_of_another_park_or_call_is_not_found(client_for, world, submitted):
    from tests.selection.factories import CallFactory

    other_call = CallFactory(park=world.park)
    client = client_for("manager")
    wrong_call = reverse(
        "selection:call_screening_rerun",
        kwargs={"park_slug": "yakutia", "call_id": other_call.pk, "application_id": submitted.pk},
    )
    assert client.post(wrong_call).status_code == 404
    assert client.get(rerun_url(submitted)).status_code == 405
    outsider = client_for("outsider")
    assert outsider.post(rerun_url(submitted, park="kolyma")).status_code == 404
    assert len(runs(submitted)) == 1


def test_screening_page_shows_the_history(client_for, world, outside):
    ask_and_fix(world, outside)
    manager = client_for("manager")
    response = manager.post(rerun_url(outside), follow=True)
    body = response.content.decode()
    assert "The checks have been run again." in body
    history = body[body.index('data-testid="check-history"') :]
    assert history.index("Re-checked by staff") < history.index(
        "Re-checked after the applicant&#x27;s answer"
    )
    assert "Checked at submission" in history
    assert "Run the checks again" in history


def test_screening_page_in_russian(client_for, world, outside):
    eligibility_decide(
        check=check(outside, "directions"),
        actor=world.users["manager"],
        verdict=CheckVerdict.CONFIRMED,
        reason="Not ours",
    )
    ask_and_fix(world, outside)
    manager = client_for("manager")
    url = reverse(
        "selection:call_screening", kwargs={"park_slug": "yakutia", "call_id": outside.call_id}
    )
    body = manager.get(url, headers={"Accept-Language": "ru"}).content.decode()
    assert "Повторная проверка после ответа заявителя" in body
    assert "Проверка при подаче" in body
    assert 'data-testid="needs-decision"' in body
