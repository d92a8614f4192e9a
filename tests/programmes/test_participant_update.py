"""The participant form is one intent and one transaction: ``services.participant_update``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from technopark.programmes import services
from technopark.programmes.models import Attendee, Participant, ParticipantStatus
from technopark.programmes.services import participants
from tests.factories import TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _state(participant: Participant) -> tuple[str, str, set[int], set[int]]:
    fresh = Participant.objects.get(pk=participant.pk)
    return (
        fresh.coworking_seat,
        fresh.status,
        set(fresh.mentors.values_list("pk", flat=True)),
        set(Attendee.objects.filter(participant=fresh).values_list("user_id", flat=True)),
    )


@pytest.fixture
def failing_team_sync(monkeypatch):
    """The last step (refreshing the attendees) writes its rows, then fails."""
    real = participants._add_team

    def add_then_fail(participant: Participant) -> int:
        real(participant)
        raise ValidationError("The team could not be read.")

    monkeypatch.setattr(participants, "_add_team", add_then_fail)


def test_a_failure_in_the_last_step_changes_nothing(world, prog, failing_team_sync):
    participant = prog.participant
    TeamMemberFactory(company=participant.company, user=UserFactory(), position="CFO")
    before = _state(participant)
    with pytest.raises(ValidationError):
        services.participant_update(
            participant=participant,
            seat="IT-park, desk 4",
            mentors=[],
            status=ParticipantStatus.GRADUATED,
        )
    assert _state(participant) == before
    # The caller's object is as it was read, not as it was half written.
    assert participant.coworking_seat == before[0] and participant.status == before[1]


def test_a_refused_status_keeps_the_seat_and_mentors(world, prog):
    before = _state(prog.participant)
    with pytest.raises(ValidationError) as error:
        services.participant_update(
            participant=prog.participant, seat="IT-park, desk 4", mentors=[], status="asleep"
        )
    assert "status" in error.value.message_dict
    assert _state(prog.participant) == before


def test_the_page_saves_all_or_nothing(world, prog, client_as, failing_team_sync):
    url = f"/yakutia/programmes/participants/{prog.participant.pk}/manage/"
    TeamMemberFactory(company=prog.participant.company, user=UserFactory(), position="CFO")
    before = _state(prog.participant)
    response = client_as("manager").post(
        url, {"coworking_seat": "IT-park, desk 4", "mentors": [], "status": "graduated"}
    )
    assert response.status_code == 400
    assert "The team could not be read." in response.content.decode()
    assert _state(prog.participant) == before


def test_the_page_saves_everything_at_once(world, prog, client_as):
    newcomer = UserFactory()
    TeamMemberFactory(company=prog.participant.company, user=newcomer, position="CFO")
    url = f"/yakutia/programmes/participants/{prog.participant.pk}/manage/"
    response = client_as("manager").post(
        url, {"coworking_seat": "IT-park, desk 4", "mentors": [], "status": "graduated"}
    )
    assert response.status_code == 302
    seat, status, mentors, attendees = _state(prog.participant)
    assert (seat, status, mentors) == ("IT-park, desk 4", "graduated", set())
    assert newcomer.pk in attendees
