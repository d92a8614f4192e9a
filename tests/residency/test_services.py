"""Admission, status changes and quarterly reports through the services: rules, constraints,
history, the audit chain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_verify
from technopark.residency import queries, services
from technopark.residency.models import (
    QuarterlyReport,
    ResidentState,
    ResidentStatus,
    StatusChange,
)
from technopark.residency.schedule import Quarter
from tests.factories import CompanyFactory, DirectionFactory, SiteFactory
from tests.residency.conftest import FIGURES, admit, current, file_report

pytestmark = pytest.mark.django_db


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Admission -------------------------------------------------------------------------------


def test_admit_creates_status_history_and_audit_entry(world, resident):
    assert resident.status == ResidentState.ACTIVE
    assert resident.site == world.site
    assert list(resident.directions.all()) == [world.direction]
    assert resident.reports_from == Quarter.of(resident.start_date).period
    change = resident.history.get()
    assert (change.from_status, change.to_status) == ("", ResidentState.ACTIVE)
    assert change.decided_by == world.users["manager"]
    entry = AuditEntry.objects.get(action="residency.admit")
    assert entry.target_id == str(resident.pk)
    assert entry.after["agreement_number"] == "ДР-2025-001"
    assert entry.actor_id == world.users["manager"].pk
    assert audit_verify().problem == ""


def test_admit_keeps_the_application_id(world):
    resident = admit(world.other_company, application_id=42)
    assert resident.application_id == 42


def test_a_company_is_a_current_resident_once(world, resident):
    with pytest.raises(ValidationError) as excinfo:
        admit(world.company)
    assert "company" in errors_of(excinfo)


def test_the_database_refuses_a_second_current_status(world, resident):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentStatus.all_parks.create(
            park=world.park,
            company=world.company,
            agreement_number="other",
            start_date=date(2025, 1, 1),
            status=ResidentState.SUSPENDED,
            status_since=date(2025, 1, 1),
            reports_from=0,
        )


def test_a_company_that_left_may_be_admitted_again(world, resident):
    services.resident_end(resident=resident, actor=world.users["manager"])
    again = admit(world.company, start_date=date.today() - timedelta(days=1))
    assert again.pk != resident.pk
    assert queries.is_active_resident(company=world.company)


def test_agreement_numbers_are_unique_in_a_park(world, resident):
    with pytest.raises(ValidationError) as excinfo:
        admit(world.other_company, number="ДР-2025-001")
    assert "agreement_number" in errors_of(excinfo)
    # Another park may use the same number.
    admit(world.foreign_company, number="ДР-2025-001")


@pytest.mark.parametrize("number", ["", "   ", "x" * 61])
def test_admit_needs_an_agreement_number(world, number):
    with pytest.raises(ValidationError) as excinfo:
        admit(world.other_company, number=number or " ")
    assert "agreement_number" in errors_of(excinfo)


def test_admit_refuses_another_parks_company_site_and_directions(world):
    with pytest.raises(ValidationError) as excinfo:
        services.resident_admit(
            park=world.park,
            company=world.foreign_company,
            actor=None,
            agreement_number="A-1",
            start_date=date(2026, 1, 1),
            site=None,
            directions=[],
        )
    assert "company" in errors_of(excinfo)
    foreign_site = SiteFactory(park=world.other_park)
    with pytest.raises(ValidationError) as excinfo:
        admit(world.other_company, site=foreign_site)
    assert "site" in errors_of(excinfo)
    foreign_direction = DirectionFactory(park=world.other_park)
    with pytest.raises(ValidationError) as excinfo:
        admit(world.other_company, directions=[foreign_direction])
    assert "directions" in errors_of(excinfo)
    assert not ResidentStatus.all_parks.exists()


def test_eligibility_helpers(world, resident):
    assert queries.is_active_resident(company=world.company)
    assert not queries.is_active_resident(company=world.other_company)
    assert queries.resident_company_ids(park=world.park) == {world.company.pk}
    assert queries.resident_company_ids(park=world.other_park) == set()
    assert queries.holds_resident_status(company=world.company)
    assert not queries.holds_resident_status(company=world.other_company)
    services.resident_suspend(resident=resident, actor=None, reason="Missed reports")
    # A suspended resident holds its agreement (it cannot apply to be admitted again) but is not
    # in good standing (its bookings, say, wait for approval).
    assert queries.holds_resident_status(company=world.company)
    assert not queries.is_active_resident(company=world.company)
    services.resident_revoke(resident=resident, actor=None, reason="Breach")
    assert not queries.holds_resident_status(company=world.company)
    assert queries.resident_company_ids(park=world.park) == set()


# --- Status changes --------------------------------------------------------------------------


def test_suspend_reinstate_revoke_history_and_audit(world, resident):
    manager = world.users["manager"]
    services.resident_suspend(resident=resident, actor=manager, reason="Two reports missing")
    assert resident.status == ResidentState.SUSPENDED
    services.resident_reinstate(resident=resident, actor=manager, reason="Reports filed")
    services.resident_revoke(resident=resident, actor=manager, reason="Breach of clause 4")
    resident.refresh_from_db()
    assert resident.status == ResidentState.REVOKED
    assert resident.end_date == resident.status_since
    steps = list(
        StatusChange.objects.filter(resident=resident)
        .order_by("decided_at", "id")
        .values_list("from_status", "to_status", "reason")
    )
    assert steps[1:] == [
        ("active", "suspended", "Two reports missing"),
        ("suspended", "active", "Reports filed"),
        ("active", "revoked", "Breach of clause 4"),
    ]
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", "before", "after"))
    assert [a for a, _b, _c in actions] == [
        "residency.admit",
        "residency.suspend",
        "residency.reinstate",
        "residency.revoke",
    ]
    assert actions[3][1]["status"] == "active"
    assert actions[3][2]["status"] == "revoked"
    assert actions[3][2]["reason"] == "Breach of clause 4"
    assert audit_verify().problem == ""


@pytest.mark.parametrize("action", ["suspend", "revoke"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_suspend_and_revoke_need_a_reason(world, resident, action, reason):
    with pytest.raises(ValidationError) as excinfo:
        services.resident_change(resident=resident, actor=None, action=action, reason=reason)
    assert "reason" in errors_of(excinfo)
    resident.refresh_from_db()
    assert resident.status == ResidentState.ACTIVE


def test_transitions_that_make_no_sense_are_refused(world, resident):
    with pytest.raises(ValidationError) as excinfo:
        services.resident_reinstate(resident=resident, actor=None)
    assert "status" in errors_of(excinfo)
    services.resident_end(resident=resident, actor=None)
    for action in ("suspend", "reinstate", "revoke", "end"):
        with pytest.raises(ValidationError) as excinfo:
            services.resident_change(resident=resident, actor=None, action=action, reason="x")
        assert "status" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.resident_change(resident=resident, actor=None, action="explode", reason="x")
    assert "action" in errors_of(excinfo)


def test_status_dates_are_checked(world, resident):
    with pytest.raises(ValidationError) as excinfo:
        services.resident_suspend(
            resident=resident,
            actor=None,
            reason="x",
            effective_on=resident.start_date - timedelta(days=1),
        )
    assert "effective_on" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.resident_suspend(
            resident=resident, actor=None, reason="x", effective_on=date(2999, 1, 1)
        )
    assert "effective_on" in errors_of(excinfo)


def test_reason_is_bounded(world, resident):
    with pytest.raises(ValidationError) as excinfo:
        services.resident_suspend(resident=resident, actor=None, reason="x" * 2001)
    assert "reason" in errors_of(excinfo)


# --- Quarterly reports -----------------------------------------------------------------------


def test_file_the_current_report(world, resident):
    report = file_report(resident, current(), actor=world.users["founder"])
    assert report.period == current().period
    assert report.revenue == Decimal("1250000.50")
    assert report.company == world.company
    assert report.submitted_by == world.users["founder"]


def test_a_report_is_filed_once(world, resident):
    file_report(resident, current())
    with pytest.raises(ValidationError) as excinfo:
        file_report(resident, current())
    assert "quarter" in errors_of(excinfo)
    assert QuarterlyReport.all_parks.count() == 1


def test_the_database_refuses_a_second_report(world, resident):
    report = file_report(resident, current())
    report.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


@pytest.mark.parametrize("field", ["revenue", "taxes_paid", "investment_raised", "rnd_spending"])
def test_negative_amounts_are_refused(world, resident, field):
    with pytest.raises(ValidationError) as excinfo:
        file_report(resident, current(), **{field: Decimal("-0.01")})
    assert errors_of(excinfo)[field] == ["An amount cannot be negative."]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"exports": Decimal("1.005")}, "exports"),
        ({"exports": Decimal("1e15")}, "exports"),
        ({"exports": Decimal("NaN")}, "exports"),
        ({"exports": "lots"}, "exports"),
        ({"exports": None}, "exports"),
        ({"headcount": -1}, "headcount"),
        ({"headcount": 2.5}, "headcount"),
        ({"ip_registered": 10**9}, "ip_registered"),
        ({"ip_registered": True}, "ip_registered"),
        ({"ip_note": "x" * 5001}, "ip_note"),
    ],
)
def test_bad_figures_name_their_field(world, resident, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        file_report(resident, current(), **overrides)
    assert field in errors_of(excinfo)


def test_the_database_refuses_negative_money(world, resident):
    report = file_report(resident, current())
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReport.all_parks.filter(pk=report.pk).update(revenue=Decimal("-1"))


def test_a_quarter_that_has_not_ended_is_refused(world, resident):
    with pytest.raises(ValidationError) as excinfo:
        file_report(resident, current().next())
    assert "has not ended" in errors_of(excinfo)["quarter"][0]


def test_q1_report_opens_at_local_midnight(world):
    resident = admit(world.other_company, start_date=date(2026, 1, 10))
    before = datetime(2026, 3, 31, 23, 59, tzinfo=ZoneInfo("Asia/Yakutsk"))
    with pytest.raises(ValidationError):
        file_report(resident, Quarter(2026, 1), now=before)
    at_midnight = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)  # 1 April 00:00 in Yakutsk
    report = file_report(resident, Quarter(2026, 1), now=at_midnight)
    assert report.submitted_at == at_midnight


def test_a_quarter_before_the_residency_is_refused(world, resident):
    with pytest.raises(ValidationError) as excinfo:
        file_report(resident, Quarter.from_period(resident.reports_from - 1))
    assert "before the residency" in errors_of(excinfo)["quarter"][0]


def test_bad_year_and_quarter(world, resident):
    with pytest.raises(ValidationError) as excinfo:
        services.report_file(resident=resident, actor=None, year=2026, quarter=5, **FIGURES)
    assert "quarter" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.report_file(resident=resident, actor=None, year=1999, quarter=1, **FIGURES)
    assert "year" in errors_of(excinfo)


def test_a_former_resident_files_no_reports(world, resident):
    services.resident_revoke(resident=resident, actor=None, reason="Breach")
    with pytest.raises(ValidationError):
        file_report(resident, current())


# --- Overdue counting ------------------------------------------------------------------------


def test_overdue_counts_and_flags(world):
    now = datetime(2026, 7, 6, 0, 0, tzinfo=ZoneInfo("Asia/Yakutsk"))  # Q2 2026 just overdue
    flagged = admit(world.company, start_date=date(2026, 1, 15))  # owes Q1, Q2
    one_missing = admit(world.other_company, start_date=date(2026, 1, 15))
    file_report(one_missing, Quarter(2026, 1), now=now)
    up_to_date = admit(CompanyFactory(park=world.park), start_date=date(2026, 2, 1))
    file_report(up_to_date, Quarter(2026, 1), now=now)
    file_report(up_to_date, Quarter(2026, 2), now=now)
    newcomer = admit(CompanyFactory(park=world.park), start_date=date(2026, 5, 1))
    gone = admit(CompanyFactory(park=world.park), start_date=date(2025, 1, 1))
    gone.status = ResidentState.ENDED
    gone.save()

    counts = {
        r.pk: r.overdue_count
        for r in queries.staff_resident_list(
            park=world.park, filters=queries.StaffFilters(), now=now
        )
    }
    assert counts[flagged.pk] == 2
    assert counts[one_missing.pk] == 1
    assert counts[up_to_date.pk] == 0
    assert counts[newcomer.pk] == 1  # Q2 2026
    flagged_only = queries.staff_resident_list(
        park=world.park, filters=queries.StaffFilters(flagged=True), now=now
    )
    assert [r.pk for r in flagged_only] == [flagged.pk]
    overdue = list(queries.overdue_list(park=world.park, now=now))
    assert overdue[0].pk == flagged.pk
    assert {r.pk for r in overdue} == {flagged.pk, one_missing.pk, newcomer.pk}
    assert queries.missing_quarters(overdue[0], now=now) == [Quarter(2026, 1), Quarter(2026, 2)]
    # One minute earlier Q2 is not overdue yet: only Q1 counts.
    earlier = now - timedelta(minutes=1)
    counts = {
        r.pk: r.overdue_count
        for r in queries.staff_resident_list(
            park=world.park, filters=queries.StaffFilters(), now=earlier
        )
    }
    assert counts[flagged.pk] == 1
    assert counts[newcomer.pk] == 0
