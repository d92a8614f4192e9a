"""One review sheet for the page and the API: both show an expert the same applicant (nothing of it
for a blind call) and others' reviews only after the expert has filed their own."""

from __future__ import annotations

import html

import pytest

from technopark.selection.models import Answer, AssignmentStatus, ReviewAssignment
from technopark.selection.models.calls import FieldKind
from technopark.selection.services import review as review_services
from tests.selection.factories import FormFieldFactory
from tests.selection.fixtures_review import make_expert, review_world  # noqa: F401

pytestmark = pytest.mark.django_db


def _applicant_values(world) -> dict[str, str]:
    company = world.other_company
    return {
        "short name": company.short_name,
        "legal name": company.legal_name,
        "INN": company.inn,
        "team member": world.users["other_founder"].get_full_name(),
        "file name": "merzlota-lab-deck.pdf",
    }


def _strings(value) -> list[str]:
    """Every string in a JSON answer."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _seen(world, rw, client_for, api_for) -> tuple[str, str]:
    page = client_for("expert").get(f"/yakutia/reviews/{rw.assignment.pk}/")
    api = api_for("expert").get(f"/api/v1/parks/yakutia/reviews/{rw.assignment.pk}")
    assert page.status_code == 200 and api.status_code == 200
    return html.unescape(page.content.decode()), "\n".join(_strings(api.json()))


@pytest.mark.parametrize("blind", [False, True])
def test_page_and_api_hide_the_same_applicant_fields(
    world,
    review_world,  # noqa: F811
    client_for,
    api_for,
    blind,
):
    rw = review_world
    deck = FormFieldFactory(call=rw.call, kind=FieldKind.FILE, label="Pitch deck")
    Answer.objects.create(
        application=rw.application, field=deck, file_name="merzlota-lab-deck.pdf", file_size=9
    )
    rw.call.blind_review = blind
    rw.call.save(update_fields=["blind_review"])
    page, api = _seen(world, rw, client_for, api_for)
    for what, value in _applicant_values(world).items():
        assert (value in page) is (not blind), f"the page and {what}"
        assert (value in api) is (not blind), f"the API and {what}"
    # The project itself is never hidden.
    assert rw.application.title in page and rw.application.title in api


def test_page_and_api_show_others_reviews_only_after_filing(
    world,
    review_world,  # noqa: F811
    client_for,
    api_for,
):
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
    note = "Weak market analysis."
    # A draft of one's own is not enough.
    review_services.review_save(
        assignment=rw.assignment, actor=world.users["expert"], note_for_council="Thinking."
    )
    rw.assignment.refresh_from_db()
    page, api = _seen(world, rw, client_for, api_for)
    assert note not in page and note not in api
    review_services.review_file(
        assignment=ReviewAssignment.objects.get(pk=rw.assignment.pk),
        actor=world.users["expert"],
        scores={rw.criteria[0].pk: 8, rw.criteria[1].pk: None},
        recommendation="admit",
    )
    page, api = _seen(world, rw, client_for, api_for)
    assert note in page and note in api
