"""The review part's services: the total, drafts and filing, conflicts, assignment, publishing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from technopark.audit.models import AuditEntry
from technopark.core.fragments import topic_tokens
from technopark.parks.models import Role
from technopark.parks.rules import access_for
from technopark.selection.models import (
    AssignmentStatus,
    ConflictKind,
    ConflictOfInterest,
    Criterion,
    ExpertCapacity,
    Review,
    ReviewAssignment,
)
from technopark.selection.rules import can_open_application, can_review_assignment
from technopark.selection.services import assignment as assign
from technopark.selection.services import conflicts
from technopark.selection.services import review as services
from tests.factories import CompanyFactory, MembershipFactory, TeamMemberFactory, UserFactory
from tests.selection.factories import ApplicationFactory, CallFactory, CriterionFactory
from tests.selection.fixtures_review import make_expert

pytestmark = pytest.mark.django_db


# --- The total --------------------------------------------------------------------------------


def _c(weight: str, scale: int) -> Criterion:
    return Criterion(weight=Decimal(weight), scale_max=scale)


def test_total_is_the_weighted_mean_as_a_percentage():
    team, market = _c("2", 10), _c("1", 5)
    # (2 × 8/10 + 1 × 5/5) / 3 × 100 = (1.6 + 1) / 3 × 100 = 86.67
    assert services.review_total([(team, 8), (market, 5)]) == Decimal("86.67")


def test_not_applicable_is_left_out_never_zero():
    team, market = _c("2", 10), _c("1", 5)
    assert services.review_total([(team, 8), (market, None)]) == Decimal("80.00")
    # Counting N/A as zero would have given 53.33.
    assert services.review_total([(team, 8), (market, None)]) != Decimal("53.33")


def test_total_of_nothing_scored_is_none_and_zero_scores_count():
    assert services.review_total([(_c("1", 10), None)]) is None
    assert services.review_total([]) is None
    assert services.review_total([(_c("1", 10), 0), (_c("1", 10), 10)]) == Decimal("50.00")


def test_total_rounds_half_up():
    # 1/3 of 100 = 33.333… → 33.33; 2/3 → 66.67
    assert services.review_total([(_c("1", 3), 1)]) == Decimal("33.33")
    assert services.review_total([(_c("1", 3), 2)]) == Decimal("66.67")


# --- Drafts and filing ----------------------------------------------------------------------------


def _scores(rw, team, market):
    return {rw.criteria[0].pk: team, rw.criteria[1].pk: market}


def test_save_a_draft_then_file(world, review_world):
    rw = review_world
    expert = world.users["expert"]
    review = services.review_save(
        assignment=rw.assignment, actor=expert, scores={rw.criteria[0].pk: 7}, note_for_council="ok"
    )
    assert review.submitted_at is None and review.total is None
    # Keeps what is not sent; scores replace the draft's.
    services.review_save(assignment=rw.assignment, actor=expert, recommendation="admit")
    review.refresh_from_db()
    assert review.note_for_council == "ok" and review.recommendation == "admit"
    filed = services.review_file(
        assignment=rw.assignment, actor=expert, scores=_scores(rw, 7, None)
    )
    assert filed.submitted_at is not None
    assert filed.total == Decimal("70.00")
    assert list(filed.scores.order_by("criterion_id").values_list("score", flat=True)) == [7, None]


def test_filing_renews_the_selection_topic(world, review_world):
    before = topic_tokens(world.park.pk, ("selection",))
    services.review_file(
        assignment=review_world.assignment,
        actor=world.users["expert"],
        scores=_scores(review_world, 5, 5),
        recommendation="reject",
    )
    assert topic_tokens(world.park.pk, ("selection",)) != before


def test_file_refuses_an_incomplete_review(world, review_world):
    rw = review_world
    with pytest.raises(ValidationError) as error:
        services.review_file(
            assignment=rw.assignment, actor=world.users["expert"], scores={rw.criteria[0].pk: 3}
        )
    assert f"score_{rw.criteria[1].pk}" in error.value.message_dict
    assert "recommendation" in error.value.message_dict
    # Refused as a whole: nothing filed (the page keeps what was typed).
    assert not Review.objects.filter(submitted_at__isnull=False).exists()


def test_file_refuses_when_every_criterion_is_not_applicable(world, review_world):
    with pytest.raises(ValidationError) as error:
        services.review_file(
            assignment=review_world.assignment,
            actor=world.users["expert"],
            scores=_scores(review_world, None, None),
            recommendation="admit",
        )
    assert "scores" in error.value.message_dict


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ("over", "score_{0}"),
        ("negative", "score_{0}"),
        ("foreign", "scores"),
    ],
)
def test_bad_scores_are_refused(world, review_world, scores, field):
    rw = review_world
    other = CriterionFactory(call=CallFactory(park=world.park))
    values = {
        "over": {rw.criteria[0].pk: 11},
        "negative": {rw.criteria[0].pk: -1},
        "foreign": {other.pk: 1},
    }[scores]
    with pytest.raises(ValidationError) as error:
        services.review_save(assignment=rw.assignment, actor=world.users["expert"], scores=values)
    assert field.format(rw.criteria[0].pk) in error.value.message_dict


def test_bad_recommendation_and_long_notes(world, review_world):
    with pytest.raises(ValidationError) as error:
        services.review_save(
            assignment=review_world.assignment,
            actor=world.users["expert"],
            recommendation="maybe",
            note_for_applicant="x" * 20_001,
        )
    assert set(error.value.message_dict) == {"recommendation", "note_for_applicant"}


def test_a_filed_review_no_longer_changes(world, review_world):
    rw = review_world
    services.review_file(
        assignment=rw.assignment,
        actor=world.users["expert"],
        scores=_scores(rw, 1, 1),
        recommendation="reject",
    )
    with pytest.raises(ValidationError) as error:
        services.review_save(
            assignment=rw.assignment, actor=world.users["expert"], note_for_council="x"
        )
    assert "review" in error.value.message_dict


def test_only_the_assigned_expert_writes_and_only_when_published(world, review_world):
    rw = review_world
    with pytest.raises(ValidationError):
        services.review_save(
            assignment=rw.assignment, actor=world.users["manager"], note_for_council="x"
        )
    ReviewAssignment.objects.filter(pk=rw.assignment.pk).update(status=AssignmentStatus.PROPOSED)
    with pytest.raises(ValidationError):
        services.review_save(
            assignment=rw.assignment, actor=world.users["expert"], note_for_council="x"
        )


# --- Conflicts --------------------------------------------------------------------------------------


def _pairs(application, *experts):
    return conflicts.conflict_pairs(applications=[application], experts=list(experts))


def test_automatic_conflicts(world, review_world):
    park = world.park
    company = CompanyFactory(park=park, legal_name='ООО "Мерзлотные Системы"', short_name="МерзСис")
    application = ApplicationFactory(call=review_world.call, park=park, company=company)
    worker = UserFactory(email="anna@merzsys.ru")
    MembershipFactory(park=park, user=worker, role=Role.FOUNDER)
    TeamMemberFactory(company=company, user=worker)

    in_team = make_expert(park)
    TeamMemberFactory(company=company, user=in_team.user)
    by_inn = make_expert(park, affiliations=f"University\n{company.inn}")
    by_name = make_expert(park, affiliations="  ооо «МЕРЗЛОТНЫЕ   системы» ")
    by_short = make_expert(park, affiliations="merzsys\nмерзсис")
    by_domain = make_expert(park, email="boris@MerzSys.ru")
    public = make_expert(park, email="someone@gmail.com")
    unrelated = make_expert(park, affiliations="Другая компания", email="x@other.ru")
    for expert in (in_team, by_inn, by_name, by_short, by_domain):
        expert.refresh_from_db()
    gmail_worker = UserFactory(email="vera@gmail.com")
    TeamMemberFactory(company=company, user=gmail_worker)

    experts = [in_team, by_inn, by_name, by_short, by_domain, public, unrelated]
    found = conflicts.conflict_pairs(applications=[application], experts=experts)
    assert found == {
        (application.pk, e.pk) for e in (in_team, by_inn, by_name, by_short, by_domain)
    }
    kinds = {
        e.pk: {c.kind for c in conflicts.expert_conflicts(expert=e, application=application)}
        for e in experts
    }
    assert kinds[in_team.pk] == {"team"}
    assert kinds[by_inn.pk] == {"affiliation"}
    assert kinds[by_domain.pk] == {"email_domain"}
    assert kinds[public.pk] == set() and kinds[unrelated.pk] == set()


def test_declared_conflicts(world, review_world):
    park = world.park
    application = review_world.application  # other_company's, filed by other_founder
    company_expert = make_expert(park)
    conflicts.conflict_declare(
        expert=company_expert, kind="company", company_inn=world.other_company.inn
    )
    person_expert = make_expert(park)
    conflicts.conflict_declare(
        expert=person_expert, kind="person", person_email="OTHER_FOUNDER@example.org"
    )
    org_expert = make_expert(park)
    conflicts.conflict_declare(
        expert=org_expert, kind="organisation", organisation=world.other_company.short_name.upper()
    )
    free = make_expert(park)
    conflicts.conflict_declare(expert=free, kind="organisation", organisation="Something else")
    found = _pairs(application, company_expert, person_expert, org_expert, free)
    assert found == {(application.pk, e.pk) for e in (company_expert, person_expert, org_expert)}
    for expert in (company_expert, person_expert, org_expert):
        assert conflicts.expert_conflicts(expert=expert, application=application)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "company", "company_inn": "7700000000"}, "company_inn"),
        ({"kind": "company", "company_inn": ""}, "company_inn"),
        ({"kind": "person", "person_email": "nobody@example.org"}, "person_email"),
        ({"kind": "person", "person_email": "expert@example.org"}, "person_email"),
        ({"kind": "organisation", "organisation": "   "}, "organisation"),
        ({"kind": "organisation", "organisation": "x" * 301}, "organisation"),
        ({"kind": "spouse"}, "kind"),
        ({"kind": "organisation", "organisation": "A", "reason": "r" * 301}, "reason"),
    ],
)
def test_declaring_refuses_bad_input(world, review_world, kwargs, field):
    with pytest.raises(ValidationError) as error:
        conflicts.conflict_declare(expert=review_world.expert, **kwargs)
    assert field in error.value.message_dict


def test_declaring_twice_and_a_company_of_another_park(world, review_world):
    expert = review_world.expert
    conflicts.conflict_declare(expert=expert, kind="company", company_inn=world.company.inn)
    with pytest.raises(ValidationError):
        conflicts.conflict_declare(expert=expert, kind="company", company_inn=world.company.inn)
    with pytest.raises(ValidationError):
        conflicts.conflict_declare(
            expert=expert, kind="company", company_inn=world.foreign_company.inn
        )
    conflicts.conflict_declare(expert=expert, kind="organisation", organisation="Acme")
    with pytest.raises(ValidationError):
        conflicts.conflict_declare(expert=expert, kind="organisation", organisation=" ACME ")
    # Someone outside the park is not found, whether or not the address exists.
    with pytest.raises(ValidationError):
        conflicts.conflict_declare(
            expert=expert, kind="person", person_email="outsider@example.org"
        )


def test_a_conflicted_expert_is_never_assigned_and_never_opens_the_application(world, review_world):
    """The issue's promise, both halves: the optimiser and the hand never assign across a
    conflict, and an assignment made before the conflict was declared opens nothing."""
    rw = review_world
    manager = world.users["manager"]
    ConflictOfInterest.objects.create(
        expert=rw.expert, kind=ConflictKind.COMPANY, company=world.other_company
    )
    ReviewAssignment.objects.all().delete()
    result = assign.assignment_propose(call=rw.call, actor=manager)
    assert not ReviewAssignment.objects.filter(expert=rw.expert).exists()
    assert result.shortfall == {rw.application.pk: 2}
    with pytest.raises(ValidationError) as error:
        assign.assignment_add(
            call=rw.call, application=rw.application, expert=rw.expert, actor=manager
        )
    assert "conflict" in error.value.messages[0]
    # An assignment published before the declaration: no access, no review.
    assignment = ReviewAssignment.objects.create(
        application=rw.application, expert=rw.expert, status=AssignmentStatus.PUBLISHED
    )
    access = access_for(world.users["expert"], world.park)
    assert not can_open_application(access, rw.application)
    assert not can_review_assignment(access, assignment)
    with pytest.raises(ValidationError):
        services.review_save(
            assignment=assignment, actor=world.users["expert"], note_for_council="x"
        )


def test_can_open_application(world, review_world):
    rw = review_world
    expert_access = access_for(world.users["expert"], world.park)
    assert can_open_application(expert_access, rw.application)
    other_app = ApplicationFactory(call=rw.call, park=world.park, company=world.company)
    assert not can_open_application(expert_access, other_app)  # not assigned
    ReviewAssignment.objects.filter(pk=rw.assignment.pk).update(status=AssignmentStatus.PROPOSED)
    assert not can_open_application(expert_access, rw.application)  # not published
    for role in ("manager", "founder", "observer", "outsider"):
        assert not can_open_application(access_for(world.users[role], world.park), rw.application)
    # In another park's address the assignment is not found.
    assert not can_open_application(
        access_for(world.users["expert"], world.other_park), rw.application
    )


# --- Assignment ---------------------------------------------------------------------------------------


@pytest.fixture
def big_call(world):
    call = CallFactory(park=world.park, reviews_per_application=2)
    apps = [ApplicationFactory(call=call, park=world.park) for _ in range(6)]
    for app in apps:
        app.directions.add(world.direction)
    experts = [make_expert(world.park, capacity=3) for _ in range(4)]
    experts[0].directions.add(world.direction)
    return call, apps, experts


def test_propose_assigns_k_within_capacity(world, big_call):
    call, apps, experts = big_call
    result = assign.assignment_propose(call=call, actor=world.users["manager"])
    assert result.proposed == 12 and result.shortfall == {}
    rows = ReviewAssignment.objects.filter(application__call=call)
    assert all(r.status == AssignmentStatus.PROPOSED for r in rows)
    for app in apps:
        assert rows.filter(application=app).count() == 2
    for expert in experts:
        assert rows.filter(expert=expert).count() <= 3
    # The expert who shares the direction is used to capacity.
    assert rows.filter(expert=experts[0]).count() == 3
    explained = rows.filter(expert=experts[0]).first()
    assert (explained.proposed_load, explained.proposed_capacity) == (3, 3)


def test_rerun_keeps_published_assignments_and_fills_late_applications(world, big_call):
    call, _apps, experts = big_call
    manager = world.users["manager"]
    assign.assignment_propose(call=call, actor=manager)
    count = assign.assignment_publish(
        call=call, actor=manager, due_at=timezone.now() + timedelta(days=7)
    )
    assert count == 12
    published = set(ReviewAssignment.objects.values_list("pk", "application_id", "expert_id"))
    late = ApplicationFactory(call=call, park=world.park)
    ExpertCapacity.objects.create(call=call, expert=experts[1], capacity=4)
    ExpertCapacity.objects.create(call=call, expert=experts[2], capacity=4)
    result = assign.assignment_propose(call=call, actor=manager)
    assert result.proposed == 2 and result.shortfall == {}
    assert published <= set(
        ReviewAssignment.objects.values_list("pk", "application_id", "expert_id")
    )
    new = ReviewAssignment.objects.filter(status=AssignmentStatus.PROPOSED)
    assert {a.application_id for a in new} == {late.pk}


def test_shortfall_when_capacity_runs_out(world, big_call):
    call, _apps, experts = big_call
    ExpertCapacity.objects.create(call=call, expert=experts[3], capacity=0)
    result = assign.assignment_propose(call=call, actor=world.users["manager"])
    assert result.proposed == 9
    assert sum(result.shortfall.values()) == 3


def test_only_submitted_applications_and_active_experts(world, big_call):
    call, apps, experts = big_call
    apps[0].status = "draft"
    apps[0].save()
    experts[1].user.memberships.all().delete()
    assign.assignment_propose(call=call, actor=world.users["manager"])
    assert not ReviewAssignment.objects.filter(application=apps[0]).exists()
    assert not ReviewAssignment.objects.filter(expert=experts[1]).exists()


def test_add_remove_swap(world, big_call):
    call, apps, experts = big_call
    manager = world.users["manager"]
    added = assign.assignment_add(call=call, application=apps[0], expert=experts[1], actor=manager)
    with pytest.raises(ValidationError):  # twice
        assign.assignment_add(call=call, application=apps[0], expert=experts[1], actor=manager)
    swapped = assign.assignment_swap(assignment=added, expert=experts[2], actor=manager)
    assert swapped.expert_id == experts[2].pk
    assert not ReviewAssignment.objects.filter(pk=added.pk).exists()
    assign.assignment_remove(assignment=swapped, actor=manager)
    assert not ReviewAssignment.objects.exists()


def test_add_refuses_beyond_capacity_and_bad_pairs(world, big_call):
    call, apps, experts = big_call
    manager = world.users["manager"]
    ExpertCapacity.objects.create(call=call, expert=experts[1], capacity=1)
    assign.assignment_add(call=call, application=apps[0], expert=experts[1], actor=manager)
    with pytest.raises(ValidationError) as error:
        assign.assignment_add(call=call, application=apps[1], expert=experts[1], actor=manager)
    assert "capacity" in error.value.messages[0]
    other_call = CallFactory(park=world.park)
    stray = ApplicationFactory(call=other_call, park=world.park)
    with pytest.raises(ValidationError) as error:
        assign.assignment_add(call=call, application=stray, expert=experts[2], actor=manager)
    assert "application" in error.value.message_dict
    foreign = make_expert(world.other_park)
    with pytest.raises(ValidationError) as error:
        assign.assignment_add(call=call, application=apps[1], expert=foreign, actor=manager)
    assert "expert" in error.value.message_dict


def test_publish_is_audited_drops_new_conflicts_and_wants_a_future_date(world, big_call):
    call, _apps, experts = big_call
    manager = world.users["manager"]
    with pytest.raises(ValidationError) as error:
        assign.assignment_publish(
            call=call, actor=manager, due_at=timezone.now() + timedelta(days=1)
        )
    assert "assignments" in error.value.message_dict  # nothing proposed
    assign.assignment_propose(call=call, actor=manager)
    with pytest.raises(ValidationError) as error:
        assign.assignment_publish(
            call=call, actor=manager, due_at=timezone.now() - timedelta(hours=1)
        )
    assert "due_at" in error.value.message_dict
    victim = ReviewAssignment.objects.filter(expert=experts[0]).first()
    conflicts.conflict_declare(
        expert=experts[0], kind="company", company_inn=victim.application.company.inn
    )
    count = assign.assignment_publish(
        call=call, actor=manager, due_at=timezone.now() + timedelta(days=3)
    )
    assert count == 11
    assert not ReviewAssignment.objects.filter(pk=victim.pk).exists()
    entry = AuditEntry.objects.get(action="selection.assignments_publish")
    assert entry.after["published"] == 11 and entry.after["dropped_for_conflict"] == 1
    assert entry.actor_id == manager.pk


def test_remove_published_is_audited_and_a_filed_review_stays(world, review_world):
    rw = review_world
    services.review_file(
        assignment=rw.assignment,
        actor=world.users["expert"],
        scores=_scores(rw, 1, 1),
        recommendation="admit",
    )
    with pytest.raises(ValidationError):
        assign.assignment_remove(assignment=rw.assignment, actor=world.users["manager"])
    second = make_expert(world.park)
    other = ReviewAssignment.objects.create(
        application=rw.application, expert=second, status=AssignmentStatus.PUBLISHED
    )
    assign.assignment_remove(assignment=other, actor=world.users["manager"])
    assert AuditEntry.objects.filter(action="selection.assignment_remove").count() == 1


def test_capacity_set(world, big_call):
    call, apps, experts = big_call
    manager = world.users["manager"]
    assign.expert_capacity_set(call=call, expert=experts[0], capacity=7, actor=manager)
    assign.expert_capacity_set(call=call, expert=experts[0], capacity=8, actor=manager)
    assert ExpertCapacity.objects.get().capacity == 8
    assign.assignment_add(call=call, application=apps[0], expert=experts[0], actor=manager)
    assign.assignment_add(call=call, application=apps[1], expert=experts[0], actor=manager)
    with pytest.raises(ValidationError) as error:
        assign.expert_capacity_set(call=call, expert=experts[0], capacity=1, actor=manager)
    assert "capacity" in error.value.message_dict
    with pytest.raises(ValidationError):
        assign.expert_capacity_set(call=call, expert=experts[0], capacity=1001, actor=manager)


def test_explanation_in_words():
    assert assign.assignment_explanation(shared=["biotechnology"], load=4, capacity=6) == (
        "shares biotechnology; load 4 of 6"
    )
    assert (
        assign.assignment_explanation(shared=[], load=None, capacity=None) == "no shared direction"
    )


# --- Profiles -------------------------------------------------------------------------------------


def test_profile_save(world, review_world):
    profile = services.expert_profile_save(
        park=world.park,
        user=world.users["expert"],
        directions=[world.direction],
        affiliations=" СВФУ \n\n  ",
        default_capacity=4,
    )
    assert profile.pk == review_world.expert.pk
    assert profile.affiliations == "СВФУ" and profile.default_capacity == 4
    other_direction = world.other_park.directions.create(code="x", name="X")
    for kwargs, field in (
        ({"directions": [other_direction]}, "directions"),
        ({"default_capacity": 1001}, "default_capacity"),
        ({"affiliations": "x" * 301}, "affiliations"),
    ):
        data = {"directions": [], "affiliations": "", "default_capacity": 3, **kwargs}
        with pytest.raises(ValidationError) as error:
            services.expert_profile_save(park=world.park, user=world.users["expert"], **data)
        assert field in error.value.message_dict


def test_overdue_at_the_end_of_the_due_day_in_the_park_s_time_zone(world, review_world):
    """Due "1 March" in Yakutsk (UTC+9) means until 23:59:59 there: 14:59:59 UTC."""
    import datetime as dt

    from technopark.selection.forms.review import PublishForm
    from technopark.selection.queries.review import is_overdue

    form = PublishForm({"due_at": "2030-03-01"})
    assert form.is_valid()
    due = form.due_datetime(world.park.time_zone)
    assert due.astimezone(dt.UTC) == dt.datetime(2030, 3, 1, 14, 59, 59, tzinfo=dt.UTC)
    assignment = review_world.assignment
    assignment.due_at = due
    assert not is_overdue(assignment, dt.datetime(2030, 3, 1, 14, 59, 58, tzinfo=dt.UTC))
    assert is_overdue(assignment, dt.datetime(2030, 3, 1, 15, 0, 0, tzinfo=dt.UTC))
    # A filed review is never overdue.
    Review.objects.create(assignment=assignment, submitted_at=timezone.now())
    assignment = ReviewAssignment.objects.select_related("review").get(pk=assignment.pk)
    assignment.due_at = due
    assert not is_overdue(assignment, dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
