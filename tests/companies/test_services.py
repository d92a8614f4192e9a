"""Company services (create, update, stage, team), the rules on them, and the list query."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from technopark.audit.models import AuditEntry
from technopark.companies import queries, rules, services
from technopark.companies.models import Company, Stage, StageChange, TeamChange, TeamMember
from technopark.parks.models import MembershipStatus, Role
from technopark.parks.rules import access_for
from tests.factories import (
    CompanyFactory,
    DirectionFactory,
    MembershipFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
    valid_inn,
    valid_ogrn,
)


def create(world: Any, **overrides: Any) -> Company:
    fields: dict[str, Any] = {
        "park": world.park,
        "actor": world.users["manager"],
        "legal_name": '  ООО "Полярный дрон" ',
        "short_name": " Полярный дрон ",
        "inn": valid_inn(8_000_001),
        "ogrn": valid_ogrn(8_000_001),
        "region": "14",
    }
    fields.update(overrides)
    return services.company_create(**fields)


# --- company_create ------------------------------------------------------------------------------


def test_create_stores_the_company_with_its_first_stage(world):
    company = create(world, directions=[world.direction], site=world.site, stage=Stage.PROTOTYPE)
    company.refresh_from_db()
    assert (company.short_name, company.legal_name) == ("Полярный дрон", 'ООО "Полярный дрон"')
    assert company.park == world.park
    assert company.created_by == world.users["manager"]
    assert list(company.directions.all()) == [world.direction]
    assert company.site == world.site
    assert company.search_text == f'полярный дрон ооо "полярный дрон" {company.inn} {company.ogrn}'
    change = company.stage_history.get()
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "",
        Stage.PROTOTYPE,
        world.users["manager"],
    )
    assert not company.team.exists()  # no position: the actor does not join


def test_a_founder_joins_the_team_of_the_company_they_create(world):
    founder = world.users["other_founder"]
    company = create(world, actor=founder, position="  ")
    member = company.team.get()
    assert (member.user, member.position, member.acts_for_company) == (founder, "Founder", True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"inn": "7707083894"}, "inn"),
        ({"ogrn": "1027700132194"}, "ogrn"),
        ({"inn": "7707083893", "ogrn": "304500116000157"}, "ogrn"),
        ({"inn": "500100732259", "ogrn": "1027700132195"}, "ogrn"),
        ({"short_name": "  "}, "short_name"),
        ({"region": "99"}, "region"),
        ({"stage": "unicorn"}, "stage"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_create_refuses_bad_data_at_the_field_and_writes_nothing(world, overrides, field):
    before = (Company.all_parks.count(), StageChange.objects.count())
    with pytest.raises(ValidationError) as raised:
        create(world, **overrides)
    assert field in raised.value.message_dict
    assert (Company.all_parks.count(), StageChange.objects.count()) == before


def test_inn_is_unique_in_a_park_but_may_repeat_in_another(world):
    with pytest.raises(ValidationError) as raised:
        create(world, inn=world.company.inn, ogrn=world.company.ogrn)
    assert "inn" in raised.value.message_dict
    assert Company.all_parks.filter(inn=world.company.inn).count() == 1
    # The same organisation may be a company of another park too.
    elsewhere = create(world, park=world.other_park, inn=world.company.inn, ogrn=world.company.ogrn)
    assert elsewhere.park == world.other_park


def test_create_refuses_another_parks_site_and_directions(world):
    foreign_site = SiteFactory(park=world.other_park)
    foreign_direction = DirectionFactory(park=world.other_park)
    with pytest.raises(ValidationError) as raised:
        create(world, site=foreign_site)
    assert "site" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        create(world, directions=[world.direction, foreign_direction])
    assert "directions" in raised.value.message_dict
    assert not Company.all_parks.filter(short_name="Полярный дрон").exists()


def test_create_refuses_fields_that_are_not_editable(world):
    with pytest.raises(TypeError):
        create(world, search_text="anything")


# --- company_update and company_change_stage -----------------------------------------------------


def test_update_changes_the_data_and_the_search_text(world):
    company = world.company
    services.company_update(
        company=company,
        actor=world.users["founder"],
        short_name="Южный код",
        directions=[],
        founded_on=dt.date(2020, 2, 2),
    )
    company.refresh_from_db()
    assert company.short_name == "Южный код"
    assert company.founded_on == dt.date(2020, 2, 2)
    assert list(company.directions.all()) == []
    assert company.search_text.startswith("южный код ")
    assert not company.stage_history.exists()


def test_update_without_directions_keeps_them(world):
    services.company_update(company=world.company, actor=None, description="x")
    assert list(world.company.directions.all()) == [world.direction]


def test_update_to_a_new_stage_records_history_with_evidence(world):
    company = world.company
    services.company_update(
        company=company,
        actor=world.users["manager"],
        stage=Stage.PRODUCTION,
        stage_evidence="  Первая партия  ",
    )
    company.refresh_from_db()
    assert company.stage == Stage.PRODUCTION
    change = company.stage_history.get()
    assert (change.from_stage, change.to_stage, change.evidence, change.changed_by) == (
        Stage.IDEA,
        Stage.PRODUCTION,
        "Первая партия",
        world.users["manager"],
    )


def test_update_with_the_same_stage_records_nothing(world):
    services.company_update(company=world.company, actor=None, stage=Stage.IDEA)
    assert not world.company.stage_history.exists()


def test_a_failed_update_changes_nothing(world):
    company = world.company
    with pytest.raises(ValidationError) as raised:
        services.company_update(
            company=company,
            actor=None,
            short_name="Другое имя",
            inn=world.other_company.inn,
            stage=Stage.MARKET,
        )
    assert "inn" in raised.value.message_dict
    company.refresh_from_db()
    assert (company.short_name, company.stage) == ("Северный код", Stage.IDEA)
    assert not company.stage_history.exists()


def test_change_stage_refuses_the_current_and_unknown_stages(world):
    for stage in (Stage.IDEA, "unicorn"):
        with pytest.raises(ValidationError) as raised:
            services.company_change_stage(company=world.company, actor=None, to_stage=stage)
        assert "stage" in raised.value.message_dict
    assert not world.company.stage_history.exists()


def test_stage_history_lists_the_latest_step_first(world):
    company = world.company
    for stage in (Stage.PROTOTYPE, Stage.PRODUCTION, Stage.MARKET):
        services.company_change_stage(company=company, actor=None, to_stage=stage)
    loaded = queries.company_detail(park=world.park, pk=company.pk)
    assert loaded is not None
    assert [c.to_stage for c in loaded.stage_history.all()] == [
        Stage.MARKET,
        Stage.PRODUCTION,
        Stage.PROTOTYPE,
    ]


# --- Team ----------------------------------------------------------------------------------------


def test_team_member_add_for_an_active_park_member(world):
    member = services.team_member_add(
        company=world.company,
        user=world.users["expert"],
        position=" Advisor ",
        acts_for_company=False,
    )
    assert (member.position, member.acts_for_company) == ("Advisor", False)


def test_team_member_add_refuses_people_outside_the_park(world):
    requested = UserFactory()
    MembershipFactory(park=world.park, user=requested, status=MembershipStatus.REQUESTED)
    inactive = UserFactory(is_active=False)
    MembershipFactory(park=world.park, user=inactive)
    for person in (world.users["outsider"], requested, inactive, UserFactory()):
        with pytest.raises(ValidationError) as raised:
            services.team_member_add(company=world.company, user=person, position="CTO")
        assert "user" in raised.value.message_dict
    assert world.company.team.count() == 1


def test_team_member_add_refuses_a_second_seat_and_a_blank_position(world):
    with pytest.raises(ValidationError) as raised:
        services.team_member_add(company=world.company, user=world.users["founder"], position="X")
    assert "user" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.team_member_add(company=world.company, user=world.users["expert"], position=" ")
    assert "position" in raised.value.message_dict
    assert world.company.team.count() == 1


def test_a_person_may_be_in_the_teams_of_two_companies(world):
    services.team_member_add(
        company=world.other_company, user=world.users["founder"], position="Investor"
    )
    assert TeamMember.objects.filter(user=world.users["founder"]).count() == 2


def test_team_member_invite_by_email_ignores_case_and_names_the_email_field(world):
    founder = world.users["founder"]
    offer = services.team_member_invite_by_email(
        company=world.company, email=" Observer@Example.org ", position="Analyst", actor=founder
    )
    assert offer.user == world.users["observer"]
    assert not TeamMember.objects.filter(user=world.users["observer"]).exists()
    for email in (
        "outsider@example.org",
        "nobody@example.org",
        "",
        "founder@example.org",
        "observer@example.org",  # already asked
    ):
        with pytest.raises(ValidationError) as raised:
            services.team_member_invite_by_email(
                company=world.company, email=email, position="X", actor=founder
            )
        assert set(raised.value.message_dict) == {"email"}


def test_team_member_remove(world):
    member = world.company.team.get()
    TeamMemberFactory(company=world.company, user=world.users["expert"], position="CTO")
    services.team_member_remove(member=member)
    assert list(world.company.team.values_list("user", flat=True)) == [world.users["expert"].pk]
    # The person stays a member of the park.
    assert Role.FOUNDER in access_for(world.users["founder"], world.park).roles


def test_a_company_keeps_its_last_representative(world):
    """The only member who acts for the company cannot leave: refused, nothing changes."""
    member = world.company.team.get()
    # Someone in the team who does not act for the company does not count.
    helper = TeamMemberFactory(
        company=world.company,
        user=world.users["expert"],
        position="Engineer",
        acts_for_company=False,
    )
    with pytest.raises(ValidationError) as raised:
        services.team_member_remove(member=member, actor=world.users["manager"])
    assert set(raised.value.message_dict) == {"member"}
    assert "the only person who acts for the company" in " ".join(raised.value.messages)
    assert set(world.company.team.all()) == {member, helper}
    assert not TeamChange.objects.filter(company=world.company, kind="left").exists()
    assert not AuditEntry.objects.filter(action="companies.team_leave").exists()
    # One who does not act for it may go; so may the first once a second representative exists.
    services.team_member_remove(member=helper)
    second = TeamMemberFactory(company=world.company, user=world.users["observer"], position="CTO")
    services.team_member_remove(member=member)
    assert list(world.company.team.all()) == [second]
    with pytest.raises(ValidationError):
        services.team_member_remove(member=second)


def test_the_removal_rule_reads_the_team_it_is_given(world):
    """No query: the page asks it of the team it shows."""
    member = world.company.team.get()
    team = [member]
    assert services.team_member_removal_problem(member=member, team=team) is not None
    member.acts_for_company = False
    assert services.team_member_removal_problem(member=member, team=team) is None


# --- Rules ---------------------------------------------------------------------------------------


def access(world: Any, role: str) -> Any:
    return access_for(world.users[role], world.park)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("founder", True),
        ("other_founder", False),
        ("manager", True),
        ("expert", False),
        ("observer", False),
        ("outsider", False),
    ],
)
def test_who_may_edit_the_company(world, role, expected):
    assert rules.can_edit_company(access(world, role), world.company) is expected
    assert rules.can_manage_team(access(world, role), world.company) is expected


def test_acts_for_answers_from_a_loaded_team_without_a_query(world, django_assert_num_queries):
    founder, other_founder = access(world, "founder"), access(world, "other_founder")
    loaded = queries.company_detail(park=world.park, pk=world.company.pk)
    assert loaded is not None
    with django_assert_num_queries(0):
        assert rules.acts_for(founder, loaded) is True
        assert rules.acts_for(other_founder, loaded) is False
    with django_assert_num_queries(1):
        assert rules.acts_for(founder, world.other_company) is False


def test_only_staff_set_the_park_flags(world):
    assert rules.can_set_park_flags(access(world, "manager"))
    assert not rules.can_set_park_flags(access(world, "founder"))


def test_nobody_may_view_another_parks_company(world):
    assert not rules.can_view_company(access(world, "manager"), world.foreign_company)


# --- Queries ------------------------------------------------------------------------------------


def test_direction_options_put_each_parent_before_its_children(world):
    second = DirectionFactory(park=world.park, code="energy", name="Энергосбережение", position=2)
    child = DirectionFactory(park=world.park, code="it-games", parent=world.direction, position=9)
    DirectionFactory(park=world.other_park, code="foreign")
    options = queries.direction_options(park=world.park)
    assert options == [world.direction, child, second]
    assert [d.depth for d in options] == [0, 1, 0]


def test_stage_sort_follows_the_way_from_idea_to_market(world):
    for stage in (Stage.MARKET, Stage.PROTOTYPE, Stage.PRODUCTION):
        CompanyFactory(park=world.park, stage=stage)
    rows = queries.company_list(park=world.park, filters=queries.CompanyFilters(sort="stage"))
    stages = [c.stage for c in rows]
    assert stages == sorted(stages, key=Stage.values.index)
    backwards = queries.company_list(park=world.park, filters=queries.CompanyFilters(sort="-stage"))
    assert next(c.stage for c in backwards) == Stage.MARKET
