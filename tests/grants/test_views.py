"""The grants pages: role matrix, the money forms with their refusals, founders' reports and
files, query counts at two sizes."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from technopark.grants import services
from technopark.grants.models import (
    Disbursement,
    GrantAward,
    GrantReport,
    MilestoneStatus,
    TrancheStatus,
)
from tests.conftest import ROLES
from tests.factories import CompanyFactory
from tests.grants.factories import (
    accept_report,
    approve_twice,
    make_award,
    make_participant,
    officer,
    ready_to_pay,
)

D = Decimal
pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"park_slug": "yakutia", **kwargs})


def expected(role, allowed):
    if role == "anonymous":
        return 302
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_the_pages(world, client_for, admin, award, role):
    client = client_for(role)
    staff = {"manager", "park_admin"}
    readers = staff | {"observer"}
    milestone = award.milestones.first()
    cases = [
        (url("list"), readers),
        (url("export"), readers),
        (url("my_grants"), {"founder", "other_founder"}),
        (url("award_create"), staff),
        (url("detail", pk=award.pk), readers | {"founder"}),
        (url("report_file", milestone_pk=milestone.pk), {"founder"}),
    ]
    for path, allowed in cases:
        response = client.get(path)
        assert response.status_code == expected(role, allowed), (path, role)
        if role == "anonymous":
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_the_money_forms(world, client_for, admin, award, role):
    client = client_for(role)
    tranche = award.tranches.first()
    posts = [
        (url("tranche_approve", pk=award.pk, tranche_pk=tranche.pk), {}),
        (url("milestone_add", pk=award.pk), {"title": "Ещё", "due_on": "2026-12-01"}),
        (
            url("tranche_cancel", pk=award.pk, tranche_pk=award.tranches.last().pk),
            {"reason": "x", "confirmed": "1"},
        ),
    ]
    for path, data in posts:
        response = client.post(path, data)
        if role == "anonymous":
            assert response.status_code == 302
        elif role in {"manager", "park_admin"}:
            assert response.status_code == 302, (path, response.content[:300])
        else:
            assert response.status_code == 403, (path, role)


def test_another_parks_grant_is_not_found(world, client_for, admin):
    foreign = make_participant(world.other_park, world.foreign_company)
    award = make_award(foreign, world.users["outsider"])
    client = client_for("manager")
    assert client.get(url("detail", pk=award.pk)).status_code == 404
    tranche = award.tranches.first()
    response = client.post(url("tranche_approve", pk=award.pk, tranche_pk=tranche.pk))
    assert response.status_code == 404
    assert client.get(url("report_file", milestone_pk=tranche.milestone_id)).status_code == 403


def test_founder_sees_only_their_own_grant(world, client_for, award):
    other = make_participant(world.park, world.other_company, cohort=award.participant.cohort)
    other_award = make_award(other, world.users["manager"])
    client = client_for("founder")
    page = client.get(url("my_grants")).content.decode()
    assert world.company.short_name in page
    assert world.other_company.short_name not in page
    assert client.get(url("detail", pk=other_award.pk)).status_code == 403
    detail = client.get(url("detail", pk=award.pk)).content.decode()
    assert "1,500,000.00" in detail
    assert "Approve" not in detail  # founders see, staff act


def test_award_through_the_page(world, client_for, participant):
    client = client_for("manager")
    response = client.post(
        url("award_create"),
        {
            "participant": participant.pk,
            "amount": "1 500 000,00",
            "decision_reference": "Протокол №7",
            "decided_on": "2026-04-01",
            "budget_equipment": "900000",
            "budget_salaries": "600000",
            "milestone_1_title": "Прототип",
            "milestone_1_due": "2026-06-01",
            "milestone_1_amount": "500000",
            "milestone_2_title": "Пилот",
            "milestone_2_due": "2026-09-01",
            "milestone_2_amount": "500000",
            "milestone_3_title": "Продажи",
            "milestone_3_due": "2026-12-01",
            "milestone_3_amount": "500000",
        },
    )
    award = GrantAward.all_parks.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", pk=award.pk)
    assert award.amount == D("1500000.00")
    assert award.tranches.count() == 3


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"amount": "2000000.01"},
            "amount",
            "above the programme&#x27;s cap of RUB\u00a02,000,000.00",
        ),
        ({"amount": "abc"}, "amount", "Give an amount in roubles"),
        ({"amount": "-5"}, "amount", "cannot be negative"),
        ({"amount": "1.001"}, "amount", "two decimal places"),
        ({"budget_equipment": "1"}, "budget", "add up to RUB\u00a01.00"),
        ({"decided_on": "2026-02-31"}, "decided_on", "YYYY-MM-DD"),
        ({"participant": "999999"}, "participant", "without a grant"),
        (
            {"milestone_1_title": "", "milestone_1_amount": "5"},
            "milestone_1_title",
            "Name the milestone",
        ),
        (
            {
                "milestone_1_title": "a",
                "milestone_1_due": "2026-05-01",
                "milestone_1_amount": "2000000",
            },
            "milestones",
            "above the award",
        ),
    ],
)
def test_award_bad_input(world, client_for, participant, data, field, message):
    base = {
        "participant": participant.pk,
        "amount": "1000000",
        "decision_reference": "П-1",
        "decided_on": "2026-04-01",
        "budget_equipment": "1000000",
    }
    response = client_for("manager").post(url("award_create"), {**base, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GrantAward.all_parks.exists()


def test_four_eyes_and_payment_through_the_pages(world, client_for, admin, accountant, award):
    tranche = award.tranches.first()
    manager = client_for("manager")
    response = manager.post(url("tranche_approve", pk=award.pk, tranche_pk=tranche.pk))
    assert response.status_code == 302
    again = manager.post(url("tranche_approve", pk=award.pk, tranche_pk=tranche.pk))
    assert again.status_code == 400
    assert "already approved" in again.content.decode()
    client_for("park_admin").post(url("tranche_approve", pk=award.pk, tranche_pk=tranche.pk))
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.APPROVED
    # The pay form is offered to whoever may pay (not to an approver: segregation of duties).
    page = client_for("accountant").get(url("detail", pk=award.pk)).content.decode()
    assert f'name="pay-{tranche.pk}-idempotency_key"' in page
    page = manager.get(url("detail", pk=award.pk)).content.decode()
    assert f'name="pay-{tranche.pk}-idempotency_key"' not in page
    data = {
        f"pay-{tranche.pk}-payment_reference": "ПП 123",
        f"pay-{tranche.pk}-paid_on": "2026-05-05",
        f"pay-{tranche.pk}-idempotency_key": "form-key-1",
    }
    payer = client_for("accountant")
    # No report on the milestone yet: the payment gate refuses, naming the milestone.
    gated = payer.post(url("tranche_pay", pk=award.pk, tranche_pk=tranche.pk), data)
    assert gated.status_code == 400
    assert "milestone 1 “Этап 1” cannot be paid: no report" in gated.content.decode()
    accept_report(tranche.milestone)
    # An approver may not pay (segregation of duties).
    approver = manager.post(url("tranche_pay", pk=award.pk, tranche_pk=tranche.pk), data)
    assert approver.status_code == 400
    assert "You approved this tranche, so you cannot pay it" in approver.content.decode()
    assert not Disbursement.objects.exists()
    manager = payer
    first = manager.post(url("tranche_pay", pk=award.pk, tranche_pk=tranche.pk), data)
    assert first.status_code == 302
    # The same form submitted again (a double click, a reload): paid once, said so.
    second = manager.post(url("tranche_pay", pk=award.pk, tranche_pk=tranche.pk), data, follow=True)
    assert "already made" in second.content.decode()
    assert Disbursement.objects.count() == 1
    # Another key for the same tranche: refused with a conflict.
    other = {**data, f"pay-{tranche.pk}-idempotency_key": "form-key-2"}
    third = manager.post(url("tranche_pay", pk=award.pk, tranche_pk=tranche.pk), other)
    assert third.status_code == 409
    assert "already been paid" in third.content.decode()


def test_overpayment_is_refused_with_the_amounts(world, client_for, admin, accountant, award):
    manager_user = world.users["manager"]
    for n, tranche in enumerate(award.tranches.all()):
        ready_to_pay(tranche, manager_user, admin)
        services.tranche_pay(
            tranche=tranche, actor=accountant, payment_reference=f"p{n}", idempotency_key=f"k{n}"
        )
    from technopark.grants.models import Tranche

    extra = Tranche.objects.create(
        award=award,
        milestone=award.milestones.first(),
        number=4,
        amount=D("100000"),
        requested_by=officer(world.park),
    )
    approve_twice(extra, manager_user, admin)
    response = client_for("accountant").post(
        url("tranche_pay", pk=award.pk, tranche_pk=extra.pk),
        {f"pay-{extra.pk}-payment_reference": "p9", f"pay-{extra.pk}-idempotency_key": "k9"},
    )
    assert response.status_code == 409
    assert (
        "This payment would bring the total paid to RUB\u00a01,600,000.00, above the award of "
        "RUB\u00a01,500,000.00." in response.content.decode()
    )


def test_pay_bad_input(world, client_for, admin, accountant, award):
    tranche = approve_twice(award.tranches.first(), world.users["manager"], admin)
    response = client_for("accountant").post(
        url("tranche_pay", pk=award.pk, tranche_pk=tranche.pk),
        {f"pay-{tranche.pk}-paid_on": "never"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required" in body and "YYYY-MM-DD" in body
    assert not Disbursement.objects.exists()


def test_request_cancel_and_clawback_forms(world, client_for, admin, award):
    client = client_for("manager")
    milestone = award.milestones.first()
    over = client.post(
        url("tranche_request", pk=award.pk), {"milestone": milestone.pk, "amount": "1"}
    )
    assert over.status_code == 400
    assert "above the award of RUB\u00a01,500,000.00" in over.content.decode()
    bad = client.post(url("tranche_request", pk=award.pk), {"milestone": 0, "amount": "x"})
    assert bad.status_code == 400
    assert "Choose a milestone of this grant" in bad.content.decode()
    last = award.tranches.last()
    empty = client.post(url("tranche_cancel", pk=award.pk, tranche_pk=last.pk), {"reason": ""})
    assert empty.status_code == 400 and "Give the reason" in empty.content.decode()
    # The first post asks (nothing changes), the confirmed one cancels.
    asked = client.post(url("tranche_cancel", pk=award.pk, tranche_pk=last.pk), {"reason": "Снят"})
    body = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm"' in body
    assert 'name="reason" value="Снят"' in body and f"Cancel tranche {last.number}?" in body
    last.refresh_from_db()
    assert last.status == TrancheStatus.REQUESTED
    assert (
        client.post(
            url("tranche_cancel", pk=award.pk, tranche_pk=last.pk),
            {"reason": "Снят", "confirmed": "1"},
        ).status_code
        == 302
    )
    last.refresh_from_db()
    assert last.status == TrancheStatus.CANCELLED
    claw = client.post(
        url("clawback", pk=award.pk), {"amount": "10", "reference": "В-1", "reason": "x"}
    )
    assert claw.status_code == 400
    assert "more than the RUB\u00a00.00" in claw.content.decode()


def test_founder_files_a_report_with_files_and_staff_accept(
    world, client_for, award, private_files
):
    milestone = award.milestones.first()
    client = client_for("founder")
    bad = client.post(
        url("report_file", milestone_pk=milestone.pk),
        {"summary": "", "spent_equipment": "-1", "attachments": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert bad.status_code == 400
    assert "This field is required" in bad.content.decode()
    response = client.post(
        url("report_file", milestone_pk=milestone.pk),
        {
            "summary": "Собран прототип",
            "spent_equipment": "450 000,50",
            "attachments": [SimpleUploadedFile("акт.pdf", b"%PDF-1.4 test", "application/pdf")],
        },
    )
    assert response.status_code == 302
    report = GrantReport.objects.get()
    assert report.spending.get().amount == D("450000.50")
    file = report.attachments.get()
    assert (private_files / file.file.name).exists()
    download = client.get(url("attachment", pk=file.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert client_for("other_founder").get(url("attachment", pk=file.pk)).status_code == 403
    assert client_for("expert").get(url("attachment", pk=file.pk)).status_code == 403
    assert client_for("outsider").get(url("attachment", pk=file.pk)).status_code == 403
    review = client_for("manager").post(
        url("report_review", pk=award.pk, report_pk=report.pk), {"decision": "accept"}
    )
    assert review.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.ACCEPTED
    assert client.get(url("report_file", milestone_pk=milestone.pk)).status_code == 403


def test_overdue_milestones_are_flagged_in_the_parks_time_zone(world, client_for, participant):
    from technopark.core.localtime import local_today

    today = local_today(world.park.time_zone)
    award = make_award(
        participant, world.users["manager"], tranches=("1",), due=today - timedelta(days=1)
    )
    page = client_for("manager").get(url("detail", pk=award.pk)).content.decode()
    assert 'data-testid="overdue"' in page
    listing = client_for("manager").get(url("list"), {"state": "overdue"}).content.decode()
    assert participant.company.short_name in listing


def test_export_has_numeric_money(world, client_for, admin, accountant, award):
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    services.tranche_pay(
        tranche=tranche, actor=accountant, payment_reference="=HYPERLINK()", idempotency_key="x"
    )
    services.clawback_record(
        award=award, actor=admin, amount=D("0.01"), reason="копейка", reference="В-1"
    )
    response = client_for("observer").get(
        url("export"), {"cohort": award.participant.cohort_id, "date_from": "2026-01-01"}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    awards, tranches, payments, clawbacks = (book[name] for name in book.sheetnames)
    row = [cell.value for cell in awards[2]]
    assert row[7:11] == [1500000, 500000, D("0.01") and 0.01, 1000000.01]
    assert all(isinstance(v, (int, float)) for v in row[7:11])
    assert [cell.value for cell in payments[2]][5] == 500000
    assert [cell.value for cell in payments[2]][6] == "'=HYPERLINK()"
    assert tranches.max_row == 4
    assert clawbacks[2][3].value == 0.01
    bad = client_for("manager").get(url("export"), {"date_from": "yesterday"})
    assert bad.status_code == 400


@pytest.mark.parametrize("n_awards", [1, 6])
def test_list_query_count_does_not_grow(world, client_for, django_assert_num_queries, n_awards):
    cohort = make_participant(world.park).cohort
    for _ in range(n_awards):
        make_award(
            make_participant(world.park, CompanyFactory(park=world.park), cohort=cohort),
            world.users["manager"],
        )
    client = client_for("manager")
    # middleware (3); the count, the totals (one aggregate), one page of awards with their
    # company,
    # cohort and overdue counts; cohort options; the park switcher (1).
    with django_assert_num_queries(8):
        response = client.get(url("list"), {"state": "open"})
    assert response.status_code == 200
    with django_assert_num_queries(0):
        client.get(url("list"), {"state": "open"})


@pytest.mark.parametrize("n_tranches", [1, 6])
def test_detail_query_count_does_not_grow(
    world, client_for, admin, participant, django_assert_num_queries, n_tranches
):
    manager = world.users["manager"]
    award = make_award(participant, manager, tranches=tuple("1000" for _ in range(n_tranches)))
    for tranche in award.tranches.all()[:1]:
        approve_twice(tranche, manager, admin)
    client = client_for("manager")
    # middleware (3); the award with participant, company, cohort, programme and decider; its
    # budget, milestones, their reports (and their spending and files), tranches with milestone,
    # requester, payment and cancellation, their approvals with approvers, clawbacks, the
    # company's team (10); the milestone options of the request form; the park's grant policy;
    # the park switcher.
    with django_assert_num_queries(15):
        response = client.get(url("detail", pk=award.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("n_awards", [1, 4])
def test_my_grants_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_awards
):
    cohort = make_participant(world.park, CompanyFactory(park=world.park)).cohort
    from technopark.programmes.models import Cohort

    for n in range(n_awards):
        other = Cohort.all_parks.create(
            park=world.park,
            programme=cohort.programme,
            name=f"C{n}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 2, 1),
        )
        make_award(
            make_participant(world.park, world.company, cohort=other), world.users["manager"]
        )
    client = client_for("founder")
    # middleware (3); the awards with company, cohort and overdue counts; their milestones;
    # their tranches with their milestones; the page header's park switcher and the founder's
    # residency banner (2).
    with django_assert_num_queries(8):
        response = client.get(url("my_grants"))
    assert response.content.decode().count('data-testid="awarded"') == n_awards


def test_cached_ledger_shows_a_payment_at_once(world, client_for, admin, accountant, award):
    client = client_for("manager")

    def total_paid() -> str:
        page = client.get(url("list")).content.decode()
        start = page.index('data-testid="total-paid">') + len('data-testid="total-paid">')
        return page[start : page.index("<", start)]

    assert total_paid() == "RUB\u00a00.00"
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    services.tranche_pay(
        tranche=tranche, actor=accountant, payment_reference="p", idempotency_key="k"
    )
    assert total_paid() == "RUB\u00a0500,000.00"


@pytest.mark.parametrize("n_awards", [1, 6])
def test_htmx_results_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_awards
):
    cohort = make_participant(world.park).cohort
    for _ in range(n_awards):
        make_award(
            make_participant(world.park, CompanyFactory(park=world.park), cohort=cohort),
            world.users["manager"],
        )
    client = client_for("manager")
    # middleware (3); the count, the totals, one page of awards. No filter options, no header.
    with django_assert_num_queries(6):
        response = client.get(url("list"), {"q": "Компания"}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert response.content.decode().count("/yakutia/grants/") >= n_awards


def test_bad_list_parameters_are_ignored_not_errors(world, client_for, award):
    client = client_for("observer")
    for params in ({"cohort": "abc"}, {"state": "nonsense"}, {"page": "-1"}, {"q": "x" * 500}):
        assert client.get(url("list"), params).status_code == 200
