"""Services of calls and applications: deadlines at the time-zone boundary, typed answers,
revisions, eligibility checks and the manager's verdicts, information requests, the e-mail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Sum

from technopark.audit.models import AuditEntry
from technopark.selection.models import (
    Answer,
    ApplicationStatus,
    CheckVerdict,
    EligibilityCheck,
)
from technopark.selection.services import applications as services
from technopark.selection.services import calls as call_services
from technopark.selection.services import drafts as draft_services
from technopark.selection.services.eligibility import eligibility_decide
from tests.selection.factories import CallFactory
from tests.selection.fixtures_apply import fields_by_label, fill

YAKUTSK = ZoneInfo("Asia/Yakutsk")


def test_deadline_at_the_time_zone_boundary(world, apply_call):
    # The call closes at 23:59 in Yakutsk (14:59 UTC).
    apply_call.closes_at = dt.datetime(2026, 12, 1, 23, 59, tzinfo=YAKUTSK)
    apply_call.opens_at = dt.datetime(2026, 11, 1, 0, 0, tzinfo=YAKUTSK)
    apply_call.save()
    founder = world.users["founder"]
    early = dt.datetime(2026, 11, 20, 12, 0, tzinfo=YAKUTSK)
    one = draft_services.application_start(
        call=apply_call, company=world.company, actor=founder, at=early
    )
    fill(one, founder, at=early)
    in_time = dt.datetime(2026, 12, 1, 23, 58, tzinfo=YAKUTSK)
    services.application_submit(
        application=one, actor=founder, declares_no_tax_debt=True, at=in_time
    )
    one.refresh_from_db()
    assert one.status == ApplicationStatus.SUBMITTED
    assert one.submitted_at == in_time

    two = draft_services.application_start(
        call=apply_call, company=world.other_company, actor=world.users["other_founder"], at=early
    )
    fill(two, world.users["other_founder"], at=early)
    midnight = dt.datetime(2026, 12, 2, 0, 0, tzinfo=YAKUTSK)
    # Still 15:00 UTC on 1 December: a UTC date comparison would wrongly accept it.
    assert midnight.astimezone(dt.UTC).date() == dt.date(2026, 12, 1)
    with pytest.raises(ValidationError) as refused:
        services.application_submit(
            application=two,
            actor=world.users["other_founder"],
            declares_no_tax_debt=True,
            at=midnight,
        )
    assert "closed" in refused.value.messages[0]
    two.refresh_from_db()
    assert two.status == ApplicationStatus.DRAFT


def test_a_closed_call_refuses_a_new_draft(world, apply_call):
    call_services.call_close(call=apply_call, actor=world.users["manager"])
    with pytest.raises(ValidationError, match="closed"):
        draft_services.application_start(
            call=apply_call, company=world.company, actor=world.users["founder"]
        )


def test_one_open_application_per_company_and_call(world, draft):
    with pytest.raises(ValidationError) as refused:
        draft_services.application_start(
            call=draft.call, company=world.company, actor=world.users["founder"]
        )
    assert "company" in refused.value.message_dict
    services.application_withdraw(application=draft, actor=world.users["founder"])
    again = draft_services.application_start(
        call=draft.call, company=world.company, actor=world.users["founder"]
    )
    assert again.status == ApplicationStatus.DRAFT


def test_answers_are_typed_and_summed_in_sql(world, apply_call, draft):
    fields = fields_by_label(apply_call)
    fill(
        draft,
        world.users["founder"],
        **{"Team size": "12,5", "Start date": "2027-01-15", "Markets": ["2", "0"]},
    )
    other = draft_services.application_start(
        call=apply_call, company=world.other_company, actor=world.users["other_founder"]
    )
    fill(other, world.users["other_founder"], Budget="2 000 000")
    total = Answer.objects.filter(field=fields["Budget"]).aggregate(total=Sum("money"))["total"]
    assert total == Decimal("3500000.50")
    answer = Answer.objects.get(application=draft, field=fields["Team size"])
    assert answer.number == Decimal("12.5")
    assert Answer.objects.get(application=draft, field=fields["Start date"]).date == dt.date(
        2027, 1, 15
    )
    assert Answer.objects.get(application=draft, field=fields["Markets"]).choices == [0, 2]
    assert Answer.objects.filter(field=fields["Budget"], money__gt=Decimal("1600000")).count() == 1


def test_revisions_keep_what_changed_field_by_field(world, apply_call, draft):
    founder = world.users["founder"]
    fields = fields_by_label(apply_call)
    fill(draft, founder)
    # Autosaves within minutes merge into one revision.
    draft_services.application_save(
        application=draft, actor=founder, answers={fields["Budget"].pk: "2000000"}
    )
    assert draft.revisions.count() == 1
    changes = {c.name: (c.before, c.after) for c in draft.revisions.get().changes.all()}
    assert changes["Product name"] == ("", "Frost")
    assert changes["Budget"][0] == ""
    services.application_submit(application=draft, actor=founder, declares_no_tax_debt=True)
    services.application_request_info(
        application=draft, actor=world.users["manager"], message="Budget?"
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    draft_services.application_save(
        application=draft, actor=founder, answers={fields["Budget"].pk: "2500000"}, at=later
    )
    services.application_answer_info(application=draft, actor=founder, answer="Raised it.")
    kinds = list(draft.revisions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["saved", "submitted", "saved", "info_answered"]
    last_save = draft.revisions.get(number=3)
    [change] = last_save.changes.all()
    assert (change.name, change.before, change.after) == ("Budget", "2000000.00", "2500000.00")
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


def test_submission_refuses_missing_answers_at_their_fields(world, apply_call, draft):
    fields = fields_by_label(apply_call)
    with pytest.raises(ValidationError) as refused:
        services.application_submit(
            application=draft, actor=world.users["founder"], declares_no_tax_debt=True
        )
    assert {
        "title",
        f"field_{fields['Budget'].pk}",
        f"field_{fields['I agree to the rules'].pk}",
    } <= set(refused.value.message_dict)


def test_eligibility_checks_with_reasons(world, apply_call, draft):
    company = world.company
    company.region = "77"
    company.is_sme = False
    company.save()
    fill(draft, world.users["founder"])
    services.application_submit(
        application=draft, actor=world.users["founder"], declares_no_tax_debt=False
    )
    checks = {c.code: c for c in EligibilityCheck.objects.filter(application=draft)}
    assert (not checks["region"].passed and "77" in checks["region"].reason) or "Moscow" in checks[
        "region"
    ].reason
    assert not checks["sme"].passed
    assert not checks["taxes"].passed
    assert checks["directions"].passed
    assert checks["not_resident"].passed
    assert checks["single_application"].passed


def test_directions_outside_the_call_fail(world, apply_call, draft):
    from tests.factories import DirectionFactory

    bio = DirectionFactory(park=world.park, code="bio", name_en="Biotech")
    fill(draft, world.users["founder"])
    draft_services.application_save(
        application=draft, actor=world.users["founder"], directions=[bio]
    )
    services.application_submit(
        application=draft, actor=world.users["founder"], declares_no_tax_debt=True
    )
    check = EligibilityCheck.objects.get(application=draft, code="directions")
    assert not check.passed


def test_manager_overrides_a_check_with_a_reason_in_the_audit_log(world, submitted):
    check = EligibilityCheck.objects.get(application=submitted, code="sme")
    manager = world.users["manager"]
    with pytest.raises(ValidationError) as refused:
        eligibility_decide(check=check, actor=manager, verdict=CheckVerdict.OVERRIDDEN, reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        eligibility_decide(check=check, actor=manager, verdict="maybe", reason="x")
    decided = eligibility_decide(
        check=check,
        actor=manager,
        verdict=CheckVerdict.OVERRIDDEN,
        reason="Revenue above the limit",
    )
    assert decided.final_passed is False
    entry = AuditEntry.objects.get(action="selection.eligibility_override")
    assert entry.before["final_passed"] is True and entry.after["final_passed"] is False
    assert entry.after["reason"] == "Revenue above the limit"


def test_request_info_needs_a_submitted_application(world, draft):
    with pytest.raises(ValidationError) as refused:
        services.application_request_info(
            application=draft, actor=world.users["manager"], message="More?"
        )
    assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError) as empty:
        services.application_request_info(
            application=draft, actor=world.users["manager"], message=""
        )
    assert "message" in empty.value.message_dict


def test_confirmation_mail_on_submission(world, draft, django_capture_on_commit_callbacks):
    fill(draft, world.users["founder"])
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(
            application=draft, actor=world.users["founder"], declares_no_tax_debt=True
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["founder@example.org"]
    assert "Residency 2026" in message.subject
    assert f"/yakutia/applications/{draft.pk}/" in message.body


def test_call_dates_and_form_builder_refusals(world, apply_call):
    manager = world.users["manager"]
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as refused:
        call_services.call_create(
            park=world.park, actor=manager, kind="residency", title="X", opens_at=now, closes_at=now
        )
    assert "closes_at" in refused.value.message_dict
    for kind, extra, name in [
        ("choice", {"options": "Only one"}, "options"),
        ("file", {"max_size_mb": 0}, "max_size_mb"),
        ("file", {"allowed_types": "p d f"}, "allowed_types"),
        ("nonsense", {}, "kind"),
    ]:
        with pytest.raises(ValidationError) as bad:
            call_services.form_field_add(
                call=apply_call, actor=manager, kind=kind, label="Q", **extra
            )
        assert name in bad.value.message_dict
    with pytest.raises(ValidationError) as weight:
        call_services.criterion_add(call=apply_call, actor=manager, name="W", weight=Decimal("0"))
    assert "weight" in weight.value.message_dict


def test_publishing_needs_a_criterion_and_answered_questions_stay(world, apply_call, draft):
    manager = world.users["manager"]
    empty = CallFactory(park=world.park, status="draft")
    with pytest.raises(ValidationError):
        call_services.call_publish(call=empty, actor=manager)
    fill(draft, manager)
    field = fields_by_label(apply_call)["Budget"]
    with pytest.raises(ValidationError):
        call_services.form_field_remove(field=field, actor=manager)
    with pytest.raises(ValidationError):
        call_services.form_field_update(field=field, actor=manager, kind="short_text")
