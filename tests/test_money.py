"""House rules the database holds for public money: no floats, money never kept in JSON, and an
audit chain that the demo leaves whole and that notices a tampered payment."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from technopark.audit.models import AuditEntry
from technopark.demo.seed import seed_demo

# The only JSON columns: the audit chain's copies of a record (money in them is a string) and the
# option indexes a multiple-choice answer picked.
ALLOWED_JSON = {("audit", "AuditEntry", "before"), ("audit", "AuditEntry", "after")} | {
    ("selection", "Answer", "choices"),
    # The parameters of an eligibility finding: region codes and direction names, never money.
    ("selection", "EligibilityCheck", "params"),
    ("selection", "EligibilityRunResult", "params"),
    # The parameters of a reason the system wrote in a request's history: a quote's number or
    # version, never an amount.
    ("engineering", "RequestEvent", "params"),
    # The factors of a match proposal's score: factor codes and whole points, never money.
    ("network", "MatchProposal", "factors"),
}


def _ours() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("technopark.")]


def test_no_float_columns() -> None:
    floats = [
        f"{model.__name__}.{field.name}"
        for model in _ours()
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField)
    ]
    assert floats == []


def test_json_only_where_no_money_lives() -> None:
    json_columns = {
        (model._meta.app_label, model.__name__, field.name)
        for model in _ours()
        for field in model._meta.get_fields()
        if isinstance(field, models.JSONField)
    }
    assert json_columns == ALLOWED_JSON


def test_money_columns_are_kopeck_exact() -> None:
    money = [
        (model.__name__, field.name, field.max_digits, field.decimal_places)
        for model in _ours()
        for field in model._meta.get_fields()
        if isinstance(field, models.DecimalField) and model._meta.app_label == "grants"
    ]
    assert money  # awards, tranches, payments, clawbacks, budget lines, spending
    assert all((digits, places) == (14, 2) for _m, _f, digits, places in money), money


def test_the_demo_chain_verifies_and_a_tampered_payment_is_found(db: Any) -> None:
    seed_demo(yakutia_companies=40, magadan_companies=2)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()
    payment = AuditEntry.objects.filter(target_type="grants.disbursement").order_by("sequence")
    entry = payment.first()
    assert entry is not None, "the demo pays at least one tranche"
    after = dict(entry.after)
    after["amount"] = "1.00"  # a quiet edit of the amount paid, behind the application's back
    AuditEntry.objects.filter(pk=entry.pk).update(after=after)
    with pytest.raises(CommandError, match=f"#{entry.sequence} was changed"):
        call_command("audit_verify", stdout=StringIO())
