"""The bench generator keeps every money rule by construction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from technopark.demo.grants_generate import generate_grants
from technopark.grants.models import Disbursement, GrantAward, Tranche, TrancheStatus
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_generated_grants_keep_the_money_rules(world, admin, client_for):
    for _ in range(25):
        CompanyFactory(park=world.park)
    added = generate_grants(park=world.park, awards=20, batch_size=7)
    assert added == 20
    assert generate_grants(park=world.park, awards=20) == 0
    assert Tranche.objects.count() == 100
    for award in GrantAward.all_parks.filter(park=world.park):
        paid = Disbursement.objects.filter(award=award).aggregate(s=Sum("amount"))["s"] or 0
        assert award.paid_total == paid
        assert award.paid_total - award.clawed_back_total <= award.amount <= award.cap
        assert sum(b.amount for b in award.budget_lines.all()) == award.amount
        assert sum(t.amount for t in award.tranches.all()) == award.amount
        assert all(t.amount > Decimal(0) for t in award.tranches.all())
    assert Tranche.objects.filter(status=TrancheStatus.PAID).count() == Disbursement.objects.count()
    response = client_for("manager").get("/yakutia/grants/")
    assert response.status_code == 200
