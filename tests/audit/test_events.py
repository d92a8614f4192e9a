"""Every event issue 10 lists (but tokens, invitations and teams, tested with accounts) leaves an
entry in its park's chain, in the same transaction, with the actor and the state before and after:
role and membership grants and removals (services and the admin), conflicts declared and
withdrawn, reviews filed with their scores, assignments added, swapped and capacities set,
applications submitted and withdrawn, quarterly reports filed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from technopark.accounts.models import GlobalRole
from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_verify
from technopark.parks import services as parks
from technopark.parks.models import Membership, Role
from technopark.residency.schedule import Quarter, current_quarter
from technopark.selection.models import ConflictOfInterest, ExpertCapacity, ReviewAssignment
from technopark.selection.services import applications as app_services
from technopark.selection.services import assignment as assign
from technopark.selection.services import conflicts
from technopark.selection.services import review as review_services
from tests.factories import UserFactory
from tests.residency.conftest import FIGURES, admit
from tests.selection.factories import ApplicationFactory, CallFactory
from tests.selection.fixtures_apply import apply_call, draft, fill, private_files, submitted
from tests.selection.fixtures_review import make_expert, review_world

__all__ = ["apply_call", "draft", "private_files", "review_world", "submitted"]


def only(action: str) -> AuditEntry:
    (entry,) = AuditEntry.objects.filter(action=action)
    return entry


def assert_in_park_chain(entry: AuditEntry, park: Any, actor: Any) -> None:
    assert entry.chain == park.pk and entry.park_id == park.pk
    assert entry.actor_id == actor.pk and entry.actor_label == actor.email
    result = audit_verify()
    assert result.ok, result.problems


# --- roles and memberships ----------------------------------------------------------------------------


def test_membership_grant_approve_and_remove_are_audited(world: Any) -> None:
    manager = world.users["manager"]
    person = UserFactory(email="new@example.org")
    membership = parks.membership_grant(
        park=world.park, user=person, role=Role.MENTOR, granted_by=manager
    )
    entry = only("parks.membership_grant")
    assert_in_park_chain(entry, world.park, manager)
    assert (entry.target_type, entry.target_id) == ("parks.membership", str(membership.pk))
    assert entry.before == {}
    assert entry.after == {
        "user_id": person.pk,
        "user": "new@example.org",
        "role": "mentor",
        "status": "active",
    }
    # Granting what is held already changes nothing and records nothing.
    parks.membership_grant(park=world.park, user=person, role=Role.MENTOR, granted_by=manager)
    assert AuditEntry.objects.filter(action="parks.membership_grant").count() == 1

    request = parks.membership_request(park=world.park, user=UserFactory(), message="please")
    parks.membership_approve(membership=request, actor=manager)
    entry = only("parks.membership_approve")
    assert_in_park_chain(entry, world.park, manager)
    assert (entry.before["status"], entry.after["status"]) == ("requested", "active")

    parks.membership_remove(membership=membership, actor=manager)
    entry = only("parks.membership_remove")
    assert_in_park_chain(entry, world.park, manager)
    assert entry.target_id == str(membership.pk)
    assert entry.before["role"] == "mentor" and entry.after == {}


def test_a_refused_removal_leaves_no_entry(world: Any) -> None:
    admin = UserFactory()
    only_admin = parks.membership_grant(park=world.park, user=admin, role=Role.PARK_ADMIN)
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        parks.membership_remove(membership=only_admin, actor=world.users["manager"])
    assert AuditEntry.objects.count() == count


@pytest.fixture
def root(client: Any) -> tuple[Any, Any]:
    person = UserFactory(
        email="root@example.org",
        is_staff=True,
        is_superuser=True,
        global_role=GlobalRole.PLATFORM_ADMIN,
    )
    client.force_login(person)
    return client, person


def test_memberships_granted_changed_and_removed_in_the_admin_are_audited(
    world: Any, root: tuple[Any, Any]
) -> None:
    client, person = root
    newcomer = UserFactory(email="newcomer@example.org")
    form = {"park": world.park.pk, "user": newcomer.pk, "role": "expert", "status": "active"}
    response = client.post("/admin/parks/membership/add/", {**form, "message": ""})
    assert response.status_code == 302, response.content[:2000]
    membership = Membership.all_parks.get(user=newcomer)
    added = only("parks.membership_admin_save")
    assert_in_park_chain(added, world.park, person)
    assert added.before == {} and added.after["role"] == "expert"

    response = client.post(
        f"/admin/parks/membership/{membership.pk}/change/",
        {**form, "role": "manager", "message": ""},
    )
    assert response.status_code == 302
    changed = AuditEntry.objects.filter(action="parks.membership_admin_save").last()
    assert changed is not None and changed.pk != added.pk
    assert (changed.before["role"], changed.after["role"]) == ("expert", "manager")

    response = client.post(f"/admin/parks/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = only("parks.membership_admin_delete")
    assert_in_park_chain(deleted, world.park, person)
    assert deleted.before["role"] == "manager" and deleted.after == {}

    # The bulk action records every membership it removes.
    doomed = Membership.all_parks.filter(park=world.park, role=Role.FOUNDER)
    ids = list(doomed.values_list("pk", flat=True))
    response = client.post(
        "/admin/parks/membership/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    recorded = AuditEntry.objects.filter(action="parks.membership_admin_delete")
    assert sorted(int(e.target_id) for e in recorded) == sorted([membership.pk, *ids])
    assert audit_verify().ok


# --- conflicts, reviews, assignments ---------------------------------------------------------------------


def test_conflict_declared_and_withdrawn_are_audited(world: Any) -> None:
    expert = make_expert(world.park, user=world.users["expert"])
    conflict = conflicts.conflict_declare(
        expert=expert, kind="company", company_inn=world.company.inn, reason="Brother-in-law"
    )
    declared = only("selection.conflict_declare")
    assert_in_park_chain(declared, world.park, world.users["expert"])
    assert declared.after["company_id"] == world.company.pk
    assert declared.after["reason"] == "Brother-in-law" and declared.before == {}
    conflicts.conflict_withdraw(conflict=conflict)
    assert not ConflictOfInterest.objects.exists()
    withdrawn = only("selection.conflict_withdraw")
    assert_in_park_chain(withdrawn, world.park, world.users["expert"])
    assert withdrawn.target_id == declared.target_id
    assert withdrawn.before == declared.after and withdrawn.after == {}


def test_a_filed_review_is_audited_with_its_scores(world: Any, review_world: Any) -> None:
    rw = review_world
    expert = world.users["expert"]
    team, market = rw.criteria
    review_services.review_save(assignment=rw.assignment, actor=expert, scores={team.pk: 3})
    assert not AuditEntry.objects.exists()  # a draft is the expert's own business
    review = review_services.review_file(
        assignment=rw.assignment,
        actor=expert,
        scores={team.pk: 7, market.pk: None},
        recommendation="admit",
        note_for_council="Strong team",
    )
    entry = only("selection.review_file")
    assert_in_park_chain(entry, world.park, expert)
    assert (entry.target_type, entry.target_id) == ("selection.review", str(review.pk))
    assert entry.after == {
        "assignment_id": rw.assignment.pk,
        "application_id": rw.application.pk,
        "expert_id": rw.expert.pk,
        "scores": {str(team.pk): 7, str(market.pk): None},
        "total": "70.00",
        "recommendation": "admit",
    }


@pytest.fixture
def small_call(world: Any) -> tuple[Any, list[Any], list[Any]]:
    call = CallFactory(park=world.park, reviews_per_application=2)
    apps = [ApplicationFactory(call=call, park=world.park) for _ in range(2)]
    experts = [make_expert(world.park, capacity=3) for _ in range(3)]
    return call, apps, experts


def test_assignment_add_swap_remove_and_capacity_are_audited(
    world: Any, small_call: tuple[Any, list[Any], list[Any]]
) -> None:
    call, apps, experts = small_call
    manager = world.users["manager"]
    added = assign.assignment_add(call=call, application=apps[0], expert=experts[0], actor=manager)
    entry = only("selection.assignment_add")
    assert_in_park_chain(entry, world.park, manager)
    assert entry.after == {
        "application_id": apps[0].pk,
        "expert_id": experts[0].pk,
        "status": "proposed",
        "load": 1,
        "capacity": 3,
    }

    swapped = assign.assignment_swap(assignment=added, expert=experts[1], actor=manager)
    entry = only("selection.assignment_swap")
    assert_in_park_chain(entry, world.park, manager)
    assert entry.target_id == str(swapped.pk)
    assert (entry.before["expert_id"], entry.after["expert_id"]) == (experts[0].pk, experts[1].pk)
    # One swap, one entry (not a removal and an addition besides).
    assert AuditEntry.objects.filter(action="selection.assignment_add").count() == 1
    assert AuditEntry.objects.count() == 2
    # A refused swap (to an expert already on the application) leaves the assignment and the
    # chain as they were.
    other = assign.assignment_add(call=call, application=apps[0], expert=experts[2], actor=manager)
    with pytest.raises(ValidationError):
        assign.assignment_swap(assignment=swapped, expert=experts[2], actor=manager)
    assert ReviewAssignment.objects.filter(pk=swapped.pk).exists()
    assert AuditEntry.objects.filter(action="selection.assignment_swap").count() == 1
    assign.assignment_remove(assignment=other, actor=manager)

    assign.assignment_remove(assignment=swapped, actor=manager)
    entry = AuditEntry.objects.filter(action="selection.assignment_remove").last()
    assert entry is not None and entry.target_id == str(swapped.pk)
    assert entry.before == {
        "application_id": apps[0].pk,
        "expert_id": experts[1].pk,
        "status": "proposed",
    }

    assign.expert_capacity_set(call=call, expert=experts[2], capacity=5, actor=manager)
    assign.expert_capacity_set(call=call, expert=experts[2], capacity=5, actor=manager)  # no change
    assign.expert_capacity_set(call=call, expert=experts[2], capacity=2, actor=manager)
    first, second = AuditEntry.objects.filter(action="selection.capacity_set").order_by("id")
    assert_in_park_chain(second, world.park, manager)
    assert (first.before["capacity"], first.after["capacity"]) == (None, 5)
    assert (second.before["capacity"], second.after["capacity"]) == (5, 2)
    assert second.target_id == str(ExpertCapacity.objects.get().pk)


# --- applications -------------------------------------------------------------------------------------


def test_application_submit_and_withdraw_are_audited(world: Any, draft: Any) -> None:
    founder = world.users["founder"]
    fill(draft, founder)
    app_services.application_submit(application=draft, actor=founder, declares_no_tax_debt=True)
    entry = only("selection.application_submit")
    assert_in_park_chain(entry, world.park, founder)
    assert (entry.target_type, entry.target_id) == ("selection.application", str(draft.pk))
    assert entry.before == {"status": "draft"}
    assert entry.after["status"] == "submitted"
    assert entry.after["company_id"] == world.company.pk
    assert entry.after["declares_no_tax_debt"] is True
    app_services.application_withdraw(application=draft, actor=founder)
    entry = only("selection.application_withdraw")
    assert_in_park_chain(entry, world.park, founder)
    assert (entry.before["status"], entry.after["status"]) == ("submitted", "withdrawn")


# --- quarterly reports -----------------------------------------------------------------------------------


def test_a_quarterly_report_filed_is_audited_with_its_figures(world: Any) -> None:
    from technopark.residency import services as residency

    resident = admit(world.company)
    founder = world.users["founder"]
    quarter = Quarter.from_period(current_quarter(world.park.time_zone).period - 1)
    report = residency.report_file(
        resident=resident,
        actor=founder,
        year=quarter.year,
        quarter=quarter.quarter,
        ip_note="A patent",
        **FIGURES,
    )
    entry = only("residency.report_file")
    assert_in_park_chain(entry, world.park, founder)
    assert (entry.target_type, entry.target_id) == ("residency.quarterlyreport", str(report.pk))
    assert entry.after["revenue"] == "1250000.50"
    assert entry.after["headcount"] == 7
    assert (entry.after["year"], entry.after["quarter"]) == (quarter.year, quarter.quarter)
    assert entry.after["ip_note"] == "A patent"
    assert Decimal(entry.after["rnd_spending"]) == FIGURES["rnd_spending"]


def test_a_platform_role_granted_in_the_admin_goes_to_the_platform_chain(world: Any) -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    from technopark.accounts.admin import UserAdmin
    from technopark.accounts.models import User

    root = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = root
    person = User.objects.get(pk=world.users["observer"].pk)
    person.global_role = GlobalRole.NATIONAL_OBSERVER
    UserAdmin(User, admin.site).save_model(request, person, form=None, change=True)
    entry = only("accounts.access_change")
    assert entry.chain == 0 and entry.park_id is None
    assert entry.actor_id == root.pk and entry.target_id == str(person.pk)
    assert entry.before["global_role"] == "" and entry.after["global_role"] == "national_observer"
    # Saving without a change of access records nothing more.
    UserAdmin(User, admin.site).save_model(request, person, form=None, change=True)
    assert AuditEntry.objects.filter(action="accounts.access_change").count() == 1
    assert audit_verify().ok
