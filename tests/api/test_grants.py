"""The grants API: role matrix, the money rules (four eyes, idempotent payment, 409 on
overpayment naming the amounts), bad input, query counts at two sizes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from technopark.grants import services
from technopark.grants.models import Disbursement, GrantAward, Tranche
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.grants.factories import (
    accept_report,
    accountant,
    approve_twice,
    make_award,
    make_participant,
    officer,
    ready_to_pay,
)

D = Decimal
pytestmark = pytest.mark.django_db
BASE = "/api/v1/parks/yakutia/grants"


@pytest.fixture
def admin(world):
    from technopark.parks.models import Role

    person = UserFactory(email="park_admin@example.org", full_name="Park Admin")
    MembershipFactory(park=world.park, user=person, role=Role.PARK_ADMIN)
    world.users["park_admin"] = person
    return person


@pytest.fixture
def award(world):
    return make_award(make_participant(world.park, world.company), world.users["manager"])


def body(response):
    return json.loads(response.content)


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_reads(world, api_for, admin, award, role):
    api = api_for(role)
    listing = api.get(BASE)
    detail = api.get(f"{BASE}/{award.pk}")
    if role == "anonymous":
        assert (listing.status_code, detail.status_code) == (401, 401)
    elif role in {"manager", "park_admin", "observer"}:
        assert listing.status_code == 200 and body(listing)["count"] == 1
        assert detail.status_code == 200
    elif role == "founder":
        assert body(listing)["count"] == 1
        assert body(detail)["ledger"]["awarded"] == "1500000.00"
    elif role == "other_founder":
        assert listing.status_code == 200 and body(listing)["count"] == 0
        assert detail.status_code == 403
    else:
        assert (listing.status_code, detail.status_code) == (403, 403)


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_writes(world, api_for, admin, award, role):
    api = api_for(role)
    tranche = award.tranches.first()
    milestone = award.milestones.first()
    calls = [
        api.post(f"{BASE}/{award.pk}/tranches/{tranche.pk}/approvals"),
        api.post(
            f"{BASE}/{award.pk}/tranches/{tranche.pk}/payment",
            {"payment_reference": "p", "idempotency_key": "k"},
        ),
        api.post(f"{BASE}/{award.pk}/tranches", {"milestone_id": milestone.pk, "amount": "1.00"}),
        api.post(
            f"{BASE}/{award.pk}/clawbacks", {"amount": "1.00", "reason": "x", "reference": "r"}
        ),
    ]
    codes = [response.status_code for response in calls]
    if role == "anonymous":
        assert codes == [401] * 4
    elif role in {"manager", "park_admin"}:
        # approved once (201); not yet payable, over the plan, nothing to claw back (422).
        assert codes == [201, 422, 422, 422]
    else:
        assert codes == [403] * 4


def test_another_parks_grant_is_404(world, api_for):
    foreign = make_award(
        make_participant(world.other_park, world.foreign_company), world.users["outsider"]
    )
    api = api_for("manager", "token")
    assert api.get(f"{BASE}/{foreign.pk}").status_code == 404
    tranche = foreign.tranches.first()
    assert api.post(f"{BASE}/{foreign.pk}/tranches/{tranche.pk}/approvals").status_code == 404


def test_award_approve_pay_over_the_api(world, api_for, api_as, admin):
    participant = make_participant(world.park, world.company)
    manager = api_for("manager", "token")
    created = manager.post(
        BASE,
        {
            "participant_id": participant.pk,
            "amount": "1500000.00",
            "decision_reference": "Протокол 7",
            "decided_on": "2026-04-01",
            "budget": [
                {"kind": "equipment", "amount": "1000000"},
                {"kind": "salaries", "amount": "500000"},
            ],
            "milestones": [
                {"title": f"Этап {n}", "due_on": "2026-09-01", "tranche_amount": "500000.00"}
                for n in range(1, 4)
            ],
        },
    )
    assert created.status_code == 201, created.content
    grant = body(created)
    assert grant["amount"] == "1500000.00" and len(grant["tranches"]) == 3
    tranche_id = grant["tranches"][0]["id"]
    path = f"{BASE}/{grant['id']}/tranches/{tranche_id}"
    # The manager requested the tranches (with the award): two other staff approve them.
    own = manager.post(f"{path}/approvals")
    assert "You requested this tranche" in field_errors(own)["approver"][0]
    park_admin = api_for("park_admin", "session")
    assert body(park_admin.post(f"{path}/approvals"))["status"] == "requested"
    twice = park_admin.post(f"{path}/approvals")
    assert twice.status_code == 422
    assert "already approved" in field_errors(twice)["approver"][0]
    second = api_as(officer(world.park), "token").post(f"{path}/approvals")
    assert body(second)["status"] == "approved"
    assert len(body(second)["approvals"]) == 2
    payload = {"payment_reference": "ПП 1", "idempotency_key": "pay-1", "paid_on": "2026-05-05"}
    gated = manager.post(f"{path}/payment", payload)
    assert "no report on the milestone has been filed" in field_errors(gated)["tranche"][0]
    accept_report(Tranche.objects.get(pk=tranche_id).milestone)
    requester = manager.post(f"{path}/payment", payload)
    assert "You requested this tranche" in field_errors(requester)["tranche"][0]
    assert not Disbursement.objects.exists()
    manager = api_as(accountant(world.park), "token")
    first = manager.post(f"{path}/payment", payload)
    assert first.status_code == 201
    replay = manager.post(f"{path}/payment", payload)
    assert replay.status_code == 200
    assert body(replay)["id"] == body(first)["id"]
    other_key = manager.post(f"{path}/payment", {**payload, "idempotency_key": "pay-2"})
    assert other_key.status_code == 409
    assert "already been paid" in body(other_key)["detail"]
    assert Disbursement.objects.count() == 1
    detail = body(manager.get(f"{BASE}/{grant['id']}"))
    assert detail["ledger"] == {
        "awarded": "1500000.00",
        "paid": "500000.00",
        "clawed_back": "0.00",
        "remaining": "1000000.00",
    }


def test_overpayment_is_a_409_naming_the_amounts(world, api_as, admin, award):
    manager_user = world.users["manager"]
    payer = accountant(world.park)
    for n, tranche in enumerate(award.tranches.all()):
        ready_to_pay(tranche, manager_user, admin)
        services.tranche_pay(
            tranche=tranche, actor=payer, payment_reference="p", idempotency_key=f"k{n}"
        )
    extra = Tranche.objects.create(
        award=award,
        milestone=award.milestones.first(),
        number=4,
        amount=D("100000"),
        requested_by=officer(world.park),
    )
    approve_twice(extra, manager_user, admin)
    response = api_as(payer).post(
        f"{BASE}/{award.pk}/tranches/{extra.pk}/payment",
        {"payment_reference": "p", "idempotency_key": "over"},
    )
    assert response.status_code == 409
    assert body(response)["detail"] == (
        "This payment would bring the total paid to RUB\u00a01,600,000.00, above the award of "
        "RUB\u00a01,500,000.00."
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "2000000.01"}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"participant_id": 9999999}, "participant_id"),
        ({"participant_id": 2**70}, "participant_id"),
        ({"budget": [{"kind": "equipment", "amount": "1"}]}, "budget"),
        ({"budget": [{"kind": "yachts", "amount": "1000000"}]}, "budget.0.kind"),
        ({"decided_on": "2026-02-31"}, "decided_on"),
        ({"decision_reference": "a\x00b"}, "decision_reference"),
        ({"extra": 1}, "extra"),
    ],
)
def test_award_bad_input(world, api_for, payload, field):
    participant = make_participant(world.park, world.company)
    base = {
        "participant_id": participant.pk,
        "amount": "1000000",
        "decision_reference": "П-1",
        "decided_on": "2026-04-01",
        "budget": [{"kind": "equipment", "amount": "1000000"}],
    }
    response = api_for("manager").post(BASE, {**base, **payload})
    assert response.status_code == 422
    assert field in field_errors(response)
    assert not GrantAward.all_parks.exists()


def test_payment_bad_input(world, api_for, award):
    tranche = award.tranches.first()
    path = f"{BASE}/{award.pk}/tranches/{tranche.pk}/payment"
    api = api_for("manager")
    assert "idempotency_key" in field_errors(api.post(path, {"payment_reference": "p"}))
    assert "payment_reference" in field_errors(
        api.post(path, {"payment_reference": "", "idempotency_key": "k"})
    )
    assert api.post(path, body="{not json").status_code == 400
    assert api.post(f"{BASE}/{award.pk}/tranches/{2**70}/payment", {}).status_code == 422
    assert (
        api.post(
            f"{BASE}/{award.pk}/tranches/999999/payment",
            {"payment_reference": "p", "idempotency_key": "k"},
        ).status_code
        == 404
    )


def test_cancel_and_clawback_over_the_api(world, api_for, admin, award):
    api = api_for("manager")
    last = award.tranches.last()
    cancelled = api.post(f"{BASE}/{award.pk}/tranches/{last.pk}/cancellation", {"reason": "Снят"})
    assert cancelled.status_code == 201 and body(cancelled)["status"] == "cancelled"
    again = api.post(f"{BASE}/{award.pk}/tranches/{last.pk}/cancellation", {"reason": "Снят"})
    assert again.status_code == 422
    first = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    services.tranche_pay(
        tranche=first, actor=accountant(world.park), payment_reference="p", idempotency_key="k"
    )
    too_much = api.post(
        f"{BASE}/{award.pk}/clawbacks", {"amount": "500000.01", "reason": "x", "reference": "r"}
    )
    assert "500,000.00" in field_errors(too_much)["amount"][0]
    ok = api.post(
        f"{BASE}/{award.pk}/clawbacks", {"amount": "100000.00", "reason": "x", "reference": "r"}
    )
    assert ok.status_code == 201 and body(ok)["amount"] == "100000.00"
    ledger = body(api.get(f"{BASE}/{award.pk}"))["ledger"]
    assert ledger["clawed_back"] == "100000.00" and ledger["remaining"] == "1100000.00"


@pytest.mark.parametrize("n_awards", [1, 6])
def test_list_query_count_does_not_grow(world, api_for, django_assert_num_queries, n_awards):
    cohort = make_participant(world.park).cohort
    for _ in range(n_awards):
        make_award(
            make_participant(world.park, CompanyFactory(park=world.park), cohort=cohort),
            world.users["manager"],
        )
    api = api_for("manager", "token")
    # the token and the visitor, the park and the roles (middleware); the page of awards with
    # company, cohort and overdue counts; the count. The same at both sizes.
    with django_assert_num_queries(7):
        response = api.get(BASE, {"limit": 50})
    assert body(response)["count"] == n_awards


@pytest.mark.parametrize("n_tranches", [1, 5])
def test_detail_query_count_does_not_grow(
    world, api_for, admin, django_assert_num_queries, n_tranches
):
    award = make_award(
        make_participant(world.park, world.company),
        world.users["manager"],
        tranches=tuple("100" for _ in range(n_tranches)),
    )
    approve_twice(award.tranches.first(), world.users["manager"], admin)
    api = api_for("manager", "token")
    # the middleware's; the award and its prefetches (budget, milestones, reports, their
    # spending and files, tranches, approvals, clawbacks, the company's team). The same at both
    # sizes.
    with django_assert_num_queries(13):
        api.get(f"{BASE}/{award.pk}")


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_award_and_cancellation(world, api_for, admin, award, role):
    api = api_for(role, "token" if role != "anonymous" else "session")
    participant = make_participant(world.park, world.other_company, cohort=award.participant.cohort)
    created = api.post(
        BASE,
        {
            "participant_id": participant.pk,
            "amount": "100000.00",
            "decision_reference": "П-2",
            "decided_on": "2026-04-01",
            "budget": [{"kind": "other", "amount": "100000.00"}],
        },
    )
    tranche = award.tranches.last()
    cancelled = api.post(
        f"{BASE}/{award.pk}/tranches/{tranche.pk}/cancellation", {"reason": "Этап снят"}
    )
    codes = (created.status_code, cancelled.status_code)
    if role == "anonymous":
        assert codes == (401, 401)
    elif role in {"manager", "park_admin"}:
        assert codes == (201, 201)
    else:
        assert codes == (403, 403)


def test_session_writes_need_the_csrf_token(world, api_for, award):
    tranche = award.tranches.first()
    response = api_for("manager").post(
        f"{BASE}/{award.pk}/tranches/{tranche.pk}/approvals", csrf=False
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "reference", ["PP\x001", "PP\x071", "PP\x1b[31m", "PP\n1", "PP\r1", "PP\x7f1", "PP\x851"]
)
def test_a_payment_reference_with_a_control_character_is_refused_and_nothing_paid(
    world, api_for, admin, award, reference
):
    # Such a reference once made the ledger's XLSX answer 500 for every manager.
    tranche = award.tranches.first()
    approve_twice(tranche, world.users["manager"], admin)
    response = api_for("manager").post(
        f"{BASE}/{award.pk}/tranches/{tranche.pk}/payment",
        {"payment_reference": reference, "idempotency_key": "k-1"},
    )
    assert response.status_code == 422
    message = field_errors(response)["payment_reference"][0]
    assert "control character" in message or "one line" in message
    assert not Disbursement.objects.exists()


def test_a_payment_reference_with_a_tab_is_kept(world, api_as, admin, award):
    tranche = award.tranches.first()
    ready_to_pay(tranche, world.users["manager"], admin)
    response = api_as(accountant(world.park)).post(
        f"{BASE}/{award.pk}/tranches/{tranche.pk}/payment",
        {"payment_reference": "ПП\t1", "idempotency_key": "k-1"},
    )
    assert response.status_code == 201, response.content
    assert Disbursement.objects.get().payment_reference == "ПП\t1"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_a_payment_date_outside_the_platforms_years_is_refused(world, api_for, admin, award, day):
    tranche = award.tranches.first()
    approve_twice(tranche, world.users["manager"], admin)
    response = api_for("manager").post(
        f"{BASE}/{award.pk}/tranches/{tranche.pk}/payment",
        {"payment_reference": "p", "idempotency_key": "k-1", "paid_on": day},
    )
    assert "Give a date between 1900-01-01 and 2100-12-31." in field_errors(response)["paid_on"]
    assert not Disbursement.objects.exists()
