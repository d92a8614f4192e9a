"""Factories for the selection app's core tables (calls, applications, experts, reviews)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from technopark.selection.models import (
    Application,
    ApplicationStatus,
    Call,
    CallKind,
    CallStatus,
    Criterion,
    ExpertProfile,
    FieldKind,
    FormField,
    Review,
    ReviewAssignment,
)
from technopark.selection.services.ranking import ranking_refresh
from tests.factories import CompanyFactory, ParkFactory, ParkOwnedFactory, UserFactory


def refresh_ranking(*applications: Application) -> None:
    """Rows made by factories bypass the services: bring the council's ranking rows of these
    applications up to date, as the services do when they write."""
    for application in applications:
        ranking_refresh(park_id=application.park_id, application_ids=[application.pk])


class CallFactory(ParkOwnedFactory):
    """An open, published residency call (opened a week ago, closes in three weeks)."""

    class Meta:
        model = Call

    park = factory.SubFactory(ParkFactory)
    kind = CallKind.RESIDENCY
    title = factory.Sequence(lambda n: f"Call {n}")
    status = CallStatus.PUBLISHED
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))
    reviews_per_application = 2


class FormFieldFactory(DjangoModelFactory):
    class Meta:
        model = FormField

    call = factory.SubFactory(CallFactory)
    kind = FieldKind.SHORT_TEXT
    label = factory.Sequence(lambda n: f"Question {n}")
    position = factory.Sequence(int)


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    position = factory.Sequence(int)


class ApplicationFactory(ParkOwnedFactory):
    """A submitted application of a company of the call's park."""

    class Meta:
        model = Application
        # The hook below writes the ranking rows; the instance itself needs no second save.
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    park = factory.SelfAttribute("call.park")
    company = factory.SubFactory(CompanyFactory, park=factory.SelfAttribute("..park"))
    status = ApplicationStatus.SUBMITTED
    title = factory.Sequence(lambda n: f"Project {n}")
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def ranking(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            refresh_ranking(self)


class ExpertProfileFactory(ParkOwnedFactory):
    class Meta:
        model = ExpertProfile

    park = factory.SubFactory(ParkFactory)
    user = factory.SubFactory(UserFactory)
    default_capacity = 10


class ReviewAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory)
    expert = factory.SubFactory(
        ExpertProfileFactory, park=factory.SelfAttribute("..application.park")
    )
    status = "published"


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    assignment = factory.SubFactory(ReviewAssignmentFactory)
    recommendation = "admit"
    submitted_at = factory.LazyFunction(timezone.now)
