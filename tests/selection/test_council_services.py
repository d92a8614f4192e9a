"""The council's decisions: state rules, the audit chain, residency admission, batches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_trail, audit_verify
from technopark.core.fragments import topic_tokens
from technopark.residency.models import ResidentStatus
from technopark.selection.models import ApplicationStatus, CallKind, Decision
from technopark.selection.services.council import decision_record, decisions_record_batch
from tests.factories import SiteFactory
from tests.selection.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


def admit(council, world, **changes):
    arguments = {
        "application": council.strong,
        "actor": world.users["manager"],
        "outcome": "admit",
        "rationale": "Highest total; fits the IT direction.",
        "message_for_applicant": "Welcome to the park.",
        "agreement_number": "РЕЗ-2026-001",
        "start_date": dt.date(2026, 12, 1),
    }
    arguments.update(changes)
    return decision_record(**arguments)


def test_admission_to_a_residency_call_makes_a_resident(world, council):
    decision = admit(council, world)
    council.strong.refresh_from_db()
    assert council.strong.status == ApplicationStatus.ADMITTED
    assert decision.outcome == "admit"
    assert decision.decided_by == world.users["manager"]
    assert decision.site == world.site  # the call's site by default
    resident = ResidentStatus.all_parks.get(park=world.park, company=world.company)
    assert resident.agreement_number == "РЕЗ-2026-001"
    assert resident.start_date == dt.date(2026, 12, 1)
    assert resident.application_id == council.strong.pk
    assert list(resident.directions.all()) == [world.direction]


def test_every_decision_is_in_the_audit_chain_with_before_and_after(world, council):
    admit(council, world)
    entry = audit_trail(target=council.strong).get(action="selection.decision")
    assert entry.actor == world.users["manager"]
    assert entry.before == {"status": "submitted"}
    assert entry.after["status"] == "admitted"
    assert entry.after["outcome"] == "admit"
    assert entry.after["rationale"] == "Highest total; fits the IT direction."
    assert entry.after["agreement_number"] == "РЕЗ-2026-001"
    assert entry.after["start_date"] == "2026-12-01"
    assert audit_verify().ok


def test_a_tampered_decision_entry_is_detected(world, council):
    admit(council, world)
    decision_record(
        application=council.split,
        actor=world.users["manager"],
        outcome="reject",
        rationale="Duplicates a resident.",
    )
    entry = AuditEntry.objects.filter(action="selection.decision").first()
    AuditEntry.objects.filter(pk=entry.pk).update(after={**entry.after, "outcome": "reject"})
    result = audit_verify()
    assert not result.ok
    assert f"#{entry.sequence}" in result.problem
    with pytest.raises(CommandError, match="Audit chain broken"):
        call_command("audit_verify")


def test_an_application_is_decided_once(world, council):
    admit(council, world)
    with pytest.raises(ValidationError) as error:
        decision_record(
            application=council.strong,
            actor=world.users["manager"],
            outcome="reject",
            rationale="Changed our mind.",
        )
    assert "already been decided" in str(error.value)
    assert Decision.objects.filter(application=council.strong).count() == 1


@pytest.mark.parametrize("status", ["draft", "withdrawn", "info_requested", "admitted", "rejected"])
def test_only_a_submitted_application_can_be_decided(world, council, status):
    council.split.status = status
    council.split.save()
    with pytest.raises(ValidationError):
        decision_record(
            application=council.split,
            actor=world.users["manager"],
            outcome="reject",
            rationale="No.",
        )
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action="selection.decision").exists()


def test_rejection_changes_the_status_only(world, council):
    decision_record(
        application=council.split,
        actor=world.users["manager"],
        outcome="reject",
        rationale="Duplicates an existing resident.",
        message_for_applicant="Thank you for applying.",
    )
    council.split.refresh_from_db()
    assert council.split.status == ApplicationStatus.REJECTED
    assert not ResidentStatus.all_parks.filter(company=world.other_company).exists()


def test_more_information_goes_back_to_the_applicant_and_can_be_decided_after(world, council):
    from technopark.selection.services.applications import application_answer_info

    decision_record(
        application=council.split,
        actor=world.users["manager"],
        outcome="more_info",
        rationale="Experts disagree on the market.",
        message_for_applicant="Send the letters of intent from your customers.",
    )
    council.split.refresh_from_db()
    assert council.split.status == ApplicationStatus.INFO_REQUESTED
    assert council.split.information_requests.get().message == (
        "Send the letters of intent from your customers."
    )
    application_answer_info(
        application=council.split, actor=world.users["other_founder"], answer="Attached."
    )
    council.split.refresh_from_db()
    assert council.split.status == ApplicationStatus.SUBMITTED
    decision_record(
        application=council.split,
        actor=world.users["manager"],
        outcome="reject",
        rationale="Letters do not convince.",
    )
    assert [d.outcome for d in Decision.objects.filter(application=council.split)] == [
        "reject",
        "more_info",
    ]
    assert audit_verify().ok


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"rationale": "   "}, "rationale"),
        ({"rationale": "x" * 10_001}, "rationale"),
        ({"outcome": "more_info", "message_for_applicant": ""}, "message_for_applicant"),
        ({"agreement_number": ""}, "agreement_number"),
        ({"agreement_number": "x" * 51}, "agreement_number"),
        ({"start_date": None}, "start_date"),
    ],
)
def test_bad_input_is_refused_at_the_field(world, council, changes, field):
    with pytest.raises(ValidationError) as error:
        admit(council, world, **changes)
    assert field in error.value.error_dict
    council.strong.refresh_from_db()
    assert council.strong.status == ApplicationStatus.SUBMITTED
    assert not Decision.objects.exists()


def test_a_site_of_another_park_is_refused(world, council):
    with pytest.raises(ValidationError) as error:
        admit(council, world, site=SiteFactory(park=world.other_park))
    assert "site" in error.value.error_dict


def test_a_taken_agreement_number_refuses_the_whole_decision(world, council):
    admit(council, world)
    council.split.status = "withdrawn"
    council.split.save()
    other = ApplicationFactory(call=council.call, company=world.other_company)
    with pytest.raises(ValidationError):
        admit(council, world, application=other)
    other.refresh_from_db()
    assert other.status == ApplicationStatus.SUBMITTED
    assert not Decision.objects.filter(application=other).exists()


@pytest.mark.parametrize("kind", [CallKind.PROGRAMME, CallKind.GRANT])
def test_admission_to_a_programme_or_grant_call_sets_the_status_only(world, kind):
    call = CallFactory(park=world.park, kind=kind)
    application = ApplicationFactory(call=call, company=world.company)
    decision = decision_record(
        application=application,
        actor=world.users["manager"],
        outcome="admit",
        rationale="Good.",
        agreement_number="ignored",
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    assert decision.agreement_number == ""
    assert not ResidentStatus.all_parks.exists()


def test_a_decision_renews_the_parks_cached_pages(world, council):
    topics = ("selection", "residency")
    before = topic_tokens(world.park.pk, topics)
    admit(council, world)
    after = topic_tokens(world.park.pk, topics)
    assert all(old != new for old, new in zip(before, after, strict=True))


def test_a_batch_decides_all_of_them(world, council):
    decisions = decisions_record_batch(
        park=world.park,
        call=council.call,
        application_ids=[council.split.pk, council.pending.pk],
        actor=world.users["manager"],
        outcome="reject",
        rationale="Below the line.",
    )
    assert len(decisions) == 2
    for application in (council.split, council.pending):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.REJECTED
    assert AuditEntry.objects.filter(action="selection.decision").count() == 2
    assert audit_verify().ok


def test_a_batch_with_one_decided_application_decides_none(world, council):
    admit(council, world)
    with pytest.raises(ValidationError) as error:
        decisions_record_batch(
            park=world.park,
            call=council.call,
            application_ids=[council.split.pk, council.strong.pk],
            actor=world.users["manager"],
            outcome="reject",
            rationale="Below the line.",
        )
    assert "Cold chain sensors" in str(error.value.error_dict["applications"])
    council.split.refresh_from_db()
    assert council.split.status == ApplicationStatus.SUBMITTED


def test_a_batch_refuses_applications_of_another_call_or_park(world, council):
    elsewhere = ApplicationFactory(call=CallFactory(park=world.other_park))
    other_call = ApplicationFactory(call=CallFactory(park=world.park))
    for stray in (elsewhere, other_call):
        with pytest.raises(ValidationError) as error:
            decisions_record_batch(
                park=world.park,
                call=council.call,
                application_ids=[council.split.pk, stray.pk],
                actor=world.users["manager"],
                outcome="reject",
                rationale="Below the line.",
            )
        assert "applications" in error.value.error_dict
    assert not Decision.objects.exists()


def test_a_batch_does_not_admit_residents(world, council):
    with pytest.raises(ValidationError) as error:
        decisions_record_batch(
            park=world.park,
            call=council.call,
            application_ids=[council.split.pk],
            actor=world.users["manager"],
            outcome="admit",
            rationale="Good.",
        )
    assert "outcome" in error.value.error_dict


def test_a_batch_admits_to_a_programme(world):
    call = CallFactory(park=world.park, kind=CallKind.PROGRAMME)
    rows = [ApplicationFactory(call=call) for _ in range(3)]
    decisions_record_batch(
        park=world.park,
        call=call,
        application_ids=[row.pk for row in rows],
        actor=world.users["manager"],
        outcome="admit",
        rationale="The cohort.",
    )
    assert {r.status for r in call.applications.all()} == {ApplicationStatus.ADMITTED}


@pytest.mark.parametrize(
    ("ids", "changes", "field"),
    [
        ([], {}, "applications"),
        (list(range(1, 502)), {}, "applications"),
        (None, {"rationale": ""}, "rationale"),
        (None, {"outcome": "more_info"}, "message_for_applicant"),
    ],
)
def test_a_batch_refuses_bad_input(world, council, ids, changes, field):
    arguments = {
        "park": world.park,
        "call": council.call,
        "application_ids": [council.split.pk] if ids is None else ids,
        "actor": world.users["manager"],
        "outcome": "reject",
        "rationale": "Below the line.",
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        decisions_record_batch(**arguments)
    assert field in error.value.error_dict
