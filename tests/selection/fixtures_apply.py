"""Fixtures of the apply part of the selection tests: an open call with a question of every kind,
private files in a temporary directory, and helpers to fill and submit an application."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
import pytest
from django.utils import timezone
from factory.django import DjangoModelFactory

from technopark.selection.models import (
    Answer,
    Application,
    ApplicationStatus,
    CallKind,
    CallStatus,
    EligibilityCheck,
    FieldKind,
)
from technopark.selection.services import applications as app_services
from technopark.selection.services import drafts as draft_services
from tests.selection.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    FormFieldFactory,
    refresh_ranking,
)

__all__ = [
    "AnswerFactory",
    "EligibilityCheckFactory",
    "apply_call",
    "draft",
    "fill",
    "private_files",
    "submitted",
]


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    application = factory.SubFactory(ApplicationFactory)
    field = factory.SubFactory(FormFieldFactory, call=factory.SelfAttribute("..application.call"))
    text = "An answer"


class EligibilityCheckFactory(DjangoModelFactory):
    class Meta:
        model = EligibilityCheck
        # The hook below writes the ranking rows; the instance itself needs no second save.
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    code = "region"
    passed = True
    finding = factory.LazyAttribute(lambda o: "region_inside" if o.passed else "region_outside")
    params = factory.LazyFunction(lambda: {"region": "14", "park": "14"})
    checked_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def ranking(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            refresh_ranking(self.application)


@pytest.fixture
def private_files(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files go to a temporary directory, never to the project's var/."""
    settings.VAR_DIR = tmp_path
    return tmp_path / "private"


@pytest.fixture
def apply_call(world: Any) -> Any:
    """An open residency call of yakutia in the IT direction, with one question of every kind
    (the text, money and declaration questions required) and two criteria."""
    call = CallFactory(
        park=world.park,
        kind=CallKind.RESIDENCY,
        title="Residency 2026",
        status=CallStatus.PUBLISHED,
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=10),
    )
    call.directions.add(world.direction)
    kinds = [
        (FieldKind.SHORT_TEXT, "Product name", True, ""),
        (FieldKind.LONG_TEXT, "What the project does", False, ""),
        (FieldKind.NUMBER, "Team size", False, ""),
        (FieldKind.MONEY, "Budget", True, ""),
        (FieldKind.DATE, "Start date", False, ""),
        (FieldKind.CHOICE, "Stage of the product", False, "Idea\nPrototype\nSales"),
        (FieldKind.MULTI_CHOICE, "Markets", False, "Russia\nChina\nKazakhstan"),
        (FieldKind.FILE, "Pitch deck", False, ""),
        (FieldKind.DECLARATION, "I agree to the rules", True, ""),
    ]
    for position, (kind, label, required, options) in enumerate(kinds):
        FormFieldFactory(
            call=call,
            kind=kind,
            label=label,
            required=required,
            options=options,
            position=position,
            max_size_mb=1,
            allowed_types="pdf,png",
        )
    CriterionFactory(call=call, name="Team", weight=Decimal("2.00"))
    CriterionFactory(call=call, name="Market")
    return call


def fields_by_label(call: Any) -> dict[str, Any]:
    return {f.label: f for f in call.fields.all()}


def fill(
    application: Application, actor: Any, *, at: dt.datetime | None = None, **overrides: Any
) -> None:
    """Answer the required questions of ``apply_call`` (and a title), at the moment ``at``."""
    fields = fields_by_label(application.call)
    answers = {
        fields["Product name"].pk: "Frost",
        fields["Budget"].pk: "1500000.50",
        fields["I agree to the rules"].pk: True,
    }
    for label, value in overrides.items():
        answers[fields[label].pk] = value
    draft_services.application_save(
        application=application, actor=actor, title="Frost sensors", answers=answers, at=at
    )


@pytest.fixture
def draft(world: Any, apply_call: Any) -> Application:
    """The founder's draft application of ``company`` to ``apply_call``."""
    return draft_services.application_start(
        call=apply_call, company=world.company, actor=world.users["founder"]
    )


@pytest.fixture
def submitted(world: Any, draft: Application) -> Application:
    fill(draft, world.users["founder"])
    app_services.application_submit(
        application=draft, actor=world.users["founder"], declares_no_tax_debt=True
    )
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    return draft
