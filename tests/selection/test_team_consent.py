"""A founder cannot knock an expert off their application by putting the expert in their team:
a seat in a team waits for the person's consent, and until then counts for nothing. A team change
after the assignments were published is audited and shown to the staff."""

from __future__ import annotations

import datetime as dt

from technopark.audit.models import AuditEntry
from technopark.companies import services as company_services
from technopark.companies.models import TeamChange, TeamInvitation, TeamMember
from technopark.selection.queries.conflicts import expert_conflicts


def _ask_expert(world, client_for):
    return client_for("other_founder").post(
        f"/yakutia/companies/{world.other_company.pk}/team/",
        {"email": "expert@example.org", "position": "Advisor"},
    )


def test_a_founder_cannot_knock_an_expert_off_by_adding_them_to_the_team(
    world, review_world, client_for
):
    rw = review_world
    assert not expert_conflicts(expert=rw.expert, application=rw.application)
    assert _ask_expert(world, client_for).status_code == 302
    # Asked, not joined: no team seat, no conflict, the review stays the expert's.
    assert not TeamMember.objects.filter(user=world.users["expert"]).exists()
    assert not expert_conflicts(expert=rw.expert, application=rw.application)
    assert client_for("expert").get(f"/yakutia/reviews/{rw.assignment.pk}/").status_code == 200
    # Not in the public team either.
    page = client_for("observer").get(f"/yakutia/companies/{world.other_company.pk}/")
    assert "Advisor" not in page.content.decode()
    assert not TeamChange.objects.exists()


def test_the_expert_declines_and_nothing_changes(world, review_world, client_for):
    expert = client_for("expert")
    # Seen before the offer: the park page's personal part is kept for the expert…
    assert 'data-testid="team-offers"' not in expert.get("/yakutia/").content.decode()
    _ask_expert(world, client_for)
    offer = TeamInvitation.objects.get()
    # The park page says they are asked, with a link to the company.
    home = expert.get("/yakutia/").content.decode()
    assert 'data-testid="team-offers"' in home
    assert f"/yakutia/companies/{world.other_company.pk}/" in home
    response = expert.post(
        f"/yakutia/companies/{world.other_company.pk}/team/invitations/{offer.pk}/",
        {"decision": "decline"},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "declined"
    assert not TeamMember.objects.filter(user=world.users["expert"]).exists()
    assert not expert_conflicts(expert=review_world.expert, application=review_world.application)
    # …and renewed by each answer: the declined offer is gone from it.
    assert 'data-testid="team-offers"' not in expert.get("/yakutia/").content.decode()


def test_only_the_invited_person_answers(world, review_world, client_for):
    _ask_expert(world, client_for)
    offer = TeamInvitation.objects.get()
    url = f"/yakutia/companies/{world.other_company.pk}/team/invitations/{offer.pk}/"
    for role in ("other_founder", "manager", "observer"):
        assert client_for(role).post(url, {"decision": "accept"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == "pending"
    assert not TeamMember.objects.filter(user=world.users["expert"]).exists()


def test_an_accepted_seat_after_publication_is_audited_and_shown_to_the_manager(
    world, review_world, client_for
):
    rw = review_world
    rw.assignment.published_at = rw.assignment.published_at - dt.timedelta(minutes=5)
    rw.assignment.save(update_fields=["published_at"])
    _ask_expert(world, client_for)
    offer = TeamInvitation.objects.get()
    client_for("expert").post(
        f"/yakutia/companies/{world.other_company.pk}/team/invitations/{offer.pk}/",
        {"decision": "accept"},
    )
    assert TeamMember.objects.filter(user=world.users["expert"]).exists()
    # Now the expert is in the team: the conflict is real, and consented to.
    assert expert_conflicts(expert=rw.expert, application=rw.application)
    entry = AuditEntry.objects.get(action="companies.team_join")
    assert (entry.park_id, entry.actor_id) == (world.park.pk, world.users["expert"].pk)
    page = client_for("manager").get(f"/yakutia/applications/{rw.application.pk}/")
    body = page.content.decode()
    assert 'data-testid="team-changes"' in body
    assert world.users["expert"].get_full_name() in body
    # The applicant does not get the staff's note.
    applicant = client_for("other_founder").get(f"/yakutia/applications/{rw.application.pk}/")
    assert 'data-testid="team-changes"' not in applicant.content.decode()


def test_a_removal_is_audited_and_shown(world, review_world, client_for):
    rw = review_world
    rw.assignment.published_at = rw.assignment.published_at - dt.timedelta(minutes=5)
    rw.assignment.save(update_fields=["published_at"])
    member = TeamMember.objects.get(company=world.other_company)
    # A company keeps one representative: someone else acts for it once this one leaves.
    TeamMember.objects.create(company=world.other_company, user=world.users["observer"])
    company_services.team_member_remove(member=member, actor=world.users["manager"])
    assert AuditEntry.objects.filter(action="companies.team_leave").count() == 1
    body = client_for("manager").get(f"/yakutia/applications/{rw.application.pk}/").content
    assert b'data-testid="team-changes"' in body
