"""The review part's pages: role matrix, the expert's queue and review, blind review, others'
reviews after filing, the profile and conflicts, the assignment board, query counts, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from technopark.audit.models import AuditEntry
from technopark.selection.models import (
    AssignmentStatus,
    ConflictOfInterest,
    ExpertProfile,
    Review,
    ReviewAssignment,
)
from technopark.selection.services import review as review_services
from tests.conftest import ROLES
from tests.selection.factories import ApplicationFactory, CallFactory
from tests.selection.fixtures_review import make_expert

pytestmark = pytest.mark.django_db


def _pages(rw):
    call = rw.call.pk
    return {
        "queue": ("get", "/yakutia/reviews/", {}, {"expert"}),
        "review": ("get", f"/yakutia/reviews/{rw.assignment.pk}/", {}, {"expert"}),
        "profile": ("get", "/yakutia/experts/me/", {}, {"expert"}),
        "experts": ("get", "/yakutia/experts/", {}, {"manager"}),
        "board": ("get", f"/yakutia/calls/{call}/assignments/", {}, {"manager"}),
        "save": (
            "post",
            f"/yakutia/reviews/{rw.assignment.pk}/",
            {"action": "save", "note_for_council": "n"},
            {"expert"},
        ),
        "profile_save": (
            "post",
            "/yakutia/experts/me/",
            {"default_capacity": "5", "affiliations": ""},
            {"expert"},
        ),
        "conflict_add": (
            "post",
            "/yakutia/experts/me/conflicts/",
            {"kind": "organisation", "organisation": "Acme"},
            {"expert"},
        ),
        "propose": ("post", f"/yakutia/calls/{call}/assignments/propose/", {}, {"manager"}),
        "publish": (
            "post",
            f"/yakutia/calls/{call}/assignments/publish/",
            {"due_at": "2099-01-01"},
            {"manager"},
        ),
        "add": ("post", f"/yakutia/calls/{call}/assignments/add/", {}, {"manager"}),
        "capacity": ("post", f"/yakutia/calls/{call}/assignments/capacity/", {}, {"manager"}),
        "remove": (
            "post",
            f"/yakutia/calls/{call}/assignments/{rw.assignment.pk}/remove/",
            {},
            {"manager"},
        ),
        "swap": (
            "post",
            f"/yakutia/calls/{call}/assignments/{rw.assignment.pk}/swap/",
            {},
            {"manager"},
        ),
    }


PAGE_NAMES = [
    "queue",
    "review",
    "profile",
    "experts",
    "board",
    "save",
    "profile_save",
    "conflict_add",
    "propose",
    "publish",
    "add",
    "capacity",
    "remove",
    "swap",
]


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(world, review_world, client_for, role, page):
    method, url, data, allowed = _pages(review_world)[page]
    response = getattr(client_for(role), method)(url, data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif role in allowed:
        # An empty post to a form is refused as bad input (400), never a 500.
        assert response.status_code in (200, 302, 400), response.content[:500]
    else:
        assert response.status_code == 403


def test_another_park_s_records_are_not_found(world, review_world, client_for):
    foreign_call = CallFactory(park=world.other_park)
    manager = client_for("manager")
    assert manager.get(f"/yakutia/calls/{foreign_call.pk}/assignments/").status_code == 404
    assert manager.post(f"/yakutia/calls/{foreign_call.pk}/assignments/propose/").status_code == 404
    other = ReviewAssignment.objects.create(
        application=ApplicationFactory(call=review_world.call, park=world.park),
        expert=make_expert(world.park),
        status=AssignmentStatus.PUBLISHED,
    )
    # Another expert's assignment is simply not one of mine.
    assert client_for("expert").get(f"/yakutia/reviews/{other.pk}/").status_code == 404
    assert client_for("expert").get("/yakutia/reviews/999999/").status_code == 404
    url = f"/yakutia/calls/{review_world.call.pk}/assignments/999999/remove/"
    assert manager.post(url).status_code == 404


# --- The expert's queue and review -------------------------------------------------------------


def test_queue_marks_overdue_and_shows_state(world, review_world, client_for):
    ReviewAssignment.objects.filter(pk=review_world.assignment.pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    body = client_for("expert").get("/yakutia/reviews/").content.decode()
    assert "Permafrost sensors" in body
    assert "review-overdue" in body
    assert "1 review is overdue." in body
    assert "Not started" in body


@pytest.mark.parametrize("n_assignments", [2, 12])
def test_queue_query_count_does_not_grow(
    world, review_world, client_for, django_assert_num_queries, n_assignments, time_machine
):
    # The queue is kept for the minute it was built in: both visits fall in one minute.
    time_machine.move_to(timezone.now().replace(second=10, microsecond=0), tick=False)
    for _ in range(n_assignments):
        app = ApplicationFactory(call=review_world.call, park=world.park)
        assignment = ReviewAssignment.objects.create(
            application=app,
            expert=review_world.expert,
            status=AssignmentStatus.PUBLISHED,
            due_at=timezone.now() + timedelta(days=1),
        )
        Review.objects.create(assignment=assignment)
    client = client_for("expert")
    # user, park, roles (middleware: 3); the queue with applications, calls, companies and
    # reviews (1); the conflicts that take assignments out of it (5); the park switcher (1).
    with django_assert_num_queries(10):
        response = client.get("/yakutia/reviews/")
    assert response.status_code == 200
    assert response.content.decode().count("/yakutia/reviews/") >= n_assignments
    # Again: the declared fragment REVIEW_QUEUE, and the session, user, park and roles cached.
    with django_assert_num_queries(0):
        again = client.get("/yakutia/reviews/")
    queue = response.content.decode().split('data-testid="review-queue"')[1]
    assert again.content.decode().split('data-testid="review-queue"')[1] == queue


def test_queue_is_the_visitors_own_and_renews_on_their_writes(world, review_world, client_for):
    expert = client_for("expert")
    assert "Not started" in expert.get("/yakutia/reviews/").content.decode()
    other = make_expert(world.park, email="another.expert@example.org")
    other_client = client_for("manager")
    other_client.force_login(other.user)
    assert "Permafrost sensors" not in other_client.get("/yakutia/reviews/").content.decode()
    # A draft saved shows as begun (the service renews the park's selection topic).
    review_services.review_save(
        assignment=review_world.assignment,
        actor=world.users["expert"],
        scores={review_world.criteria[0].pk: 7},
    )
    body = expert.get("/yakutia/reviews/").content.decode()
    assert "Draft" in body and "Not started" not in body


def test_queue_marks_a_review_overdue_by_the_clock(world, review_world, client_for, time_machine):
    # Both visits in one minute (:25 and :31), so the cached queue's own deadline decides.
    due = review_world.assignment.due_at.replace(second=30, microsecond=0)
    ReviewAssignment.objects.filter(pk=review_world.assignment.pk).update(due_at=due)
    time_machine.move_to(due - timedelta(seconds=5), tick=False)
    client = client_for("expert")
    assert "review-overdue" not in client.get("/yakutia/reviews/").content.decode()
    # No write since; the cached queue knew when the review fell due.
    time_machine.move_to(due + timedelta(seconds=1), tick=False)
    body = client.get("/yakutia/reviews/").content.decode()
    assert "review-overdue" in body and "1 review is overdue." in body


def test_review_page_shows_the_applicant_unless_blind(world, review_world, client_for):
    url = f"/yakutia/reviews/{review_world.assignment.pk}/"
    body = client_for("expert").get(url).content.decode()
    assert world.other_company.short_name in body
    assert world.other_company.inn in body
    assert "Other_Founder" in body  # the team
    review_world.call.blind_review = True
    review_world.call.save()
    body = client_for("expert").get(url).content.decode()
    assert world.other_company.short_name not in body
    assert world.other_company.legal_name not in body
    assert world.other_company.inn not in body
    assert "Other_Founder" not in body
    assert "reviewed blind" in body
    queue = client_for("expert").get("/yakutia/reviews/").content.decode()
    assert world.other_company.short_name not in queue


def _post_review(client, rw, action, **extra):
    data = {
        f"score_{rw.criteria[0].pk}": "8",
        f"score_{rw.criteria[1].pk}": "na",
        "recommendation": "admit",
        "note_for_council": "Strong team.",
        "note_for_applicant": "Good luck.",
        "action": action,
        **extra,
    }
    return client.post(f"/yakutia/reviews/{rw.assignment.pk}/", data)


def test_save_a_draft_then_file_through_the_page(world, review_world, client_for):
    client = client_for("expert")
    response = _post_review(client, review_world, "save")
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.submitted_at is None
    body = client.get(response["Location"]).content.decode()
    assert "Your draft has been saved." in body
    assert 'value="na" selected' in body
    response = _post_review(client, review_world, "file")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.submitted_at is not None
    assert str(review.total) == "80.00"  # N/A left out: 8 of 10
    body = client.get(response["Location"]).content.decode()
    assert "Weighted total: 80.00%" in body
    # Filed: no more changes.
    response = _post_review(client, review_world, "save", note_for_council="changed")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.note_for_council == "Strong team."


def test_filing_an_incomplete_review_shows_errors_at_the_fields(world, review_world, client_for):
    rw = review_world
    response = _post_review(
        client_for("expert"), rw, "file", **{f"score_{rw.criteria[1].pk}": "", "recommendation": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"score_{rw.criteria[1].pk}"] == [
        "Score this criterion or mark it not applicable."
    ]
    assert form.errors["recommendation"] == ["Choose a recommendation."]
    assert not Review.objects.filter(submitted_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("score", "11"), ("score", "-1"), ("score", "abc"), ("recommendation", "maybe")],
)
def test_bad_review_input(world, review_world, client_for, field, value):
    rw = review_world
    name = f"score_{rw.criteria[0].pk}" if field == "score" else field
    response = _post_review(client_for("expert"), rw, "save", **{name: value})
    assert response.status_code == 200
    assert name in response.context["form"].errors
    assert not Review.objects.exists()


def test_others_reviews_are_hidden_until_mine_is_filed(world, review_world, client_for):
    rw = review_world
    colleague = make_expert(world.park, email="colleague@example.org")
    theirs = ReviewAssignment.objects.create(
        application=rw.application, expert=colleague, status=AssignmentStatus.PUBLISHED
    )
    review_services.review_file(
        assignment=theirs,
        actor=colleague.user,
        scores={rw.criteria[0].pk: 2, rw.criteria[1].pk: 1},
        recommendation="reject",
        note_for_council="Weak market analysis.",
    )
    client = client_for("expert")
    url = f"/yakutia/reviews/{rw.assignment.pk}/"
    body = client.get(url).content.decode()
    assert "Weak market analysis." not in body
    assert 'data-testid="others-hidden"' in body
    _post_review(client, rw, "file")
    body = client.get(url).content.decode()
    assert "Weak market analysis." in body
    assert 'data-testid="others"' in body


def test_a_conflicted_expert_cannot_open_the_review(world, review_world, client_for):
    ConflictOfInterest.objects.create(
        expert=review_world.expert, kind="company", company=world.other_company
    )
    client = client_for("expert")
    # Not a bare 403: the expert is sent back to the queue, which no longer lists it.
    response = client.get(f"/yakutia/reviews/{review_world.assignment.pk}/")
    assert response.status_code == 302 and response["Location"] == "/yakutia/reviews/"
    assert _post_review(client, review_world, "save").status_code == 302
    assert not Review.objects.exists()


def test_a_proposed_assignment_is_not_shown_to_the_expert(world, review_world, client_for):
    ReviewAssignment.objects.filter(pk=review_world.assignment.pk).update(
        status=AssignmentStatus.PROPOSED
    )
    client = client_for("expert")
    assert "Permafrost sensors" not in client.get("/yakutia/reviews/").content.decode()
    assert client.get(f"/yakutia/reviews/{review_world.assignment.pk}/").status_code == 404


# --- Profile and conflicts ------------------------------------------------------------------------


def test_profile_and_conflicts(world, client_for):
    client = client_for("expert")
    body = client.get("/yakutia/experts/me/").content.decode()
    assert "Save your profile first" in body
    response = client.post(
        "/yakutia/experts/me/",
        {"directions": [world.direction.pk], "affiliations": "СВФУ", "default_capacity": "6"},
    )
    assert response.status_code == 302
    profile = ExpertProfile.all_parks.get(user=world.users["expert"])
    assert profile.default_capacity == 6 and list(profile.directions.all()) == [world.direction]
    response = client.post(
        "/yakutia/experts/me/conflicts/",
        {"kind": "company", "company_inn": world.company.inn, "reason": "former employer"},
    )
    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    body = client.get("/yakutia/experts/me/").content.decode()
    assert "former employer" in body
    response = client.post(f"/yakutia/experts/me/conflicts/{conflict.pk}/withdraw/")
    assert response.status_code == 200 and ConflictOfInterest.objects.exists()  # asked first
    response = client.post(
        f"/yakutia/experts/me/conflicts/{conflict.pk}/withdraw/", {"confirmed": "1"}
    )
    assert response.status_code == 302
    assert not ConflictOfInterest.objects.exists()


def test_profile_bad_input(world, client_for):
    client = client_for("expert")
    response = client.post(
        "/yakutia/experts/me/", {"default_capacity": "-1", "directions": ["999999"]}
    )
    assert response.status_code == 200
    assert set(response.context["profile_form"].errors) == {"default_capacity", "directions"}
    client.post("/yakutia/experts/me/", {"default_capacity": "3"})
    for data, field in (
        ({"kind": "company", "company_inn": "0000000000"}, "company_inn"),
        ({"kind": "person", "person_email": "not-an-address"}, "person_email"),
        ({"kind": "person", "person_email": "nobody@example.org"}, "person_email"),
        ({"kind": "organisation"}, "organisation"),
        ({"kind": "spouse"}, "kind"),
    ):
        response = client.post("/yakutia/experts/me/conflicts/", data)
        assert response.status_code == 200
        assert field in response.context["conflict_form"].errors, data


def test_someone_else_s_declaration_cannot_be_withdrawn(world, review_world, client_for):
    other = make_expert(world.park)
    conflict = ConflictOfInterest.objects.create(
        expert=other, kind="organisation", organisation="X"
    )
    response = client_for("expert").post(f"/yakutia/experts/me/conflicts/{conflict.pk}/withdraw/")
    assert response.status_code == 404
    assert ConflictOfInterest.objects.exists()


def test_expert_list(world, review_world, client_for):
    ConflictOfInterest.objects.create(
        expert=review_world.expert, kind="organisation", organisation="СВФУ"
    )
    body = client_for("manager").get("/yakutia/experts/").content.decode()
    assert "Expert" in body and "СВФУ" in body


# --- The assignment board ----------------------------------------------------------------------------


def test_board_propose_adjust_publish(world, review_world, client_for):
    rw = review_world
    manager = client_for("manager")
    url = f"/yakutia/calls/{rw.call.pk}/assignments/"
    second = make_expert(world.park, directions=(world.direction,))
    third = make_expert(world.park)
    late = ApplicationFactory(call=rw.call, park=world.park, title="Late project")
    late.directions.add(world.direction)
    response = manager.post(url + "propose/", follow=True)
    assert "assignments proposed" in response.content.decode()
    proposed = ReviewAssignment.objects.filter(status=AssignmentStatus.PROPOSED)
    # The published assignment stays; the application needs one more, the late one two.
    assert proposed.count() == 3
    body = manager.get(url).content.decode()
    assert f"shares {world.direction.name_en or world.direction.name}" in body
    assert "load " in body and " of 10" in body
    one = proposed.filter(application=late).first()
    response = manager.post(f"{url}{one.pk}/swap/", {"expert": rw.expert.pk})
    # The expert is already at the application? No: swapped in for the late one.
    assert response.status_code == 302
    response = manager.post(url + "publish/", {"due_at": "2099-12-31"})
    assert response.status_code == 302
    assert not ReviewAssignment.objects.filter(status=AssignmentStatus.PROPOSED).exists()
    entry = AuditEntry.objects.get(action="selection.assignments_publish")
    assert entry.after["published"] == 3
    # Due at the end of the day in the park's time zone.
    due = ReviewAssignment.objects.filter(application=late).first().due_at
    local = timezone.localtime(due, timezone=__import__("zoneinfo").ZoneInfo(world.park.time_zone))
    assert (local.date().isoformat(), local.hour, local.minute) == ("2099-12-31", 23, 59)
    del second, third


def test_board_refusals_show_at_the_field(world, review_world, client_for):
    rw = review_world
    manager = client_for("manager")
    url = f"/yakutia/calls/{rw.call.pk}/assignments/"
    response = manager.post(
        url + "add/", {"application": rw.application.pk, "expert": rw.expert.pk}
    )
    assert response.status_code == 400
    assert "already assigned" in str(response.context["add_form"].errors["expert"])
    response = manager.post(url + "add/", {"application": "abc", "expert": ""})
    assert set(response.context["add_form"].errors) == {"application", "expert"}
    response = manager.post(url + "add/", {"application": 999999, "expert": rw.expert.pk})
    assert "application" in response.context["add_form"].errors
    conflicted = make_expert(world.park)
    ConflictOfInterest.objects.create(
        expert=conflicted, kind="company", company=world.other_company
    )
    response = manager.post(
        url + "add/", {"application": rw.application.pk, "expert": conflicted.pk}
    )
    assert "conflict of interest" in str(response.context["add_form"].errors["expert"])
    response = manager.post(url + "publish/", {"due_at": "2099-01-01"})
    assert "nothing to publish" in response.content.decode()
    response = manager.post(url + "publish/", {"due_at": "yesterday"})
    assert "due_at" in response.context["publish_form"].errors
    response = manager.post(url + "capacity/", {"expert": rw.expert.pk, "capacity": "-3"})
    assert "capacity" in response.context["capacity_form"].errors
    response = manager.post(url + "capacity/", {"expert": 999999, "capacity": "3"})
    assert "expert" in response.context["capacity_form"].errors
    response = manager.post(url + "capacity/", {"expert": rw.expert.pk, "capacity": "0"})
    assert "already has 1" in str(response.context["capacity_form"].errors["capacity"])
    response = manager.post(f"{url}{rw.assignment.pk}/swap/", {"expert": rw.expert.pk})
    assert response.status_code == 400  # published: only proposed ones are swapped


def test_board_pages_through_many_applications(world, review_world, client_for, settings):
    settings.TECHNOPARK_PAGE_SIZE = 3
    for n in range(7):
        ApplicationFactory(call=review_world.call, park=world.park, title=f"Bulk {n}")
    client = client_for("manager")
    url = f"/yakutia/calls/{review_world.call.pk}/assignments/"
    first = client.get(url).content.decode()
    assert "Page 1 of 3" in first and "8 applications" in first
    # 1 published of 2 for the first, 2 for each of the other seven.
    assert "15 missing" in first
    third = client.get(url, {"page": 3}).content.decode()
    table = third.split('data-testid="board"')[1].split("</table>")[0]
    assert "Bulk 6" in table and "Permafrost sensors" not in table
    assert client.get(url, {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("n_applications", [2, 10])
def test_board_query_count_does_not_grow(
    world, review_world, client_for, django_assert_num_queries, n_applications
):
    for _ in range(n_applications):
        app = ApplicationFactory(call=review_world.call, park=world.park)
        app.directions.add(world.direction)
        make_expert(world.park, directions=(world.direction,))
    client = client_for("manager")
    client.post(f"/yakutia/calls/{review_world.call.pk}/assignments/propose/")
    # middleware (2: the session's user, the park); call (1); the count, the page of
    # applications, their directions; experts, their directions, their capacities; assignments
    # per expert and per application; the page's assignments with reviews; conflicts:
    # companies, teams, declared (12); the submitted applications not eligible (1); the pickers'
    # bounded lists: applications, experts to add, experts for a capacity (3). The visitor's
    # roles and the park switcher are cached since the propose request (which writes
    # selection, not memberships).
    with django_assert_num_queries(19):
        response = client.get(f"/yakutia/calls/{review_world.call.pk}/assignments/")
    assert response.status_code == 200
