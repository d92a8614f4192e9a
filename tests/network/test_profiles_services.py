"""The profiles part's services: every check, the role → kind rule, one profile per kind,
needs only for the companies one acts for, bookmarks; and the names in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from technopark.network import names
from technopark.network.models import Bookmark, Need, Profile, ProfileKind, Visibility
from technopark.network.services import profiles as services
from technopark.parks.models import Role
from tests.factories import DirectionFactory, MembershipFactory, UserFactory
from tests.network.conftest import NOW

GOOD = {"headline": "Cloud architecture", "languages": "ru,en", "time_zone": "Asia/Yakutsk"}


def errors_of(call: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def fresh_mentor(net: Any, email: str = "new.mentor@example.org") -> Any:
    user = UserFactory(email=email)
    MembershipFactory(park=net.world.park, user=user, role=Role.MENTOR)
    return user


def create(net: Any, user: Any, by: Any = None, **values: Any) -> Profile:
    directions = values.pop("directions", ())
    kind = values.pop("kind", ProfileKind.MENTOR)
    return services.profile_create(
        access=net.access(by or user),
        user=user,
        kind=kind,
        values={**GOOD, **values},
        directions=directions,
        now=NOW,
    )


def test_a_mentor_creates_their_profile_with_checked_values(net):
    user = fresh_mentor(net)
    made = create(
        net,
        user,
        languages="RU, sah ,ru",
        country="fi",
        directions=[net.world.direction.pk],
        stages="idea,prototype",
        capacity_mentees=5,
    )
    assert made.language_codes == ["ru", "sah"]
    assert made.country == "FI"
    assert made.stage_codes == ["idea", "prototype"]
    assert list(made.directions.all()) == [net.world.direction]
    assert made.park == net.world.park and made.user == user


def test_a_kind_needs_the_matching_role(net):
    founder = net.world.users["founder"]
    assert "kind" in errors_of(lambda: create(net, founder))
    # the investor may keep an investor profile but not a mentor one
    assert "kind" in errors_of(lambda: create(net, net.investor, kind=ProfileKind.MENTOR))
    assert "kind" in errors_of(lambda: create(net, net.mentor, kind="astronaut"))


def test_only_staff_write_for_someone_else(net):
    user = fresh_mentor(net)
    with pytest.raises(ValidationError):
        create(net, user, by=net.mentor)
    made = create(net, user, by=net.world.users["manager"])
    assert made.user == user
    # the staff too need the person to hold the role
    assert "kind" in errors_of(
        lambda: create(net, net.world.users["founder"], by=net.world.users["manager"])
    )


def test_one_profile_per_person_and_kind(net):
    assert "kind" in errors_of(lambda: create(net, net.mentor))
    assert Profile.all_parks.filter(user=net.mentor).count() == 1


def test_a_concurrent_duplicate_becomes_the_same_field_error(net, monkeypatch):
    user = fresh_mentor(net)
    create(net, user)
    # the check before the insert saw nothing (another transaction had not committed yet)
    original = Profile.all_parks.filter

    class Blind:
        def __init__(self, rows: Any) -> None:
            self.rows = rows

        def exists(self) -> bool:
            return False

    monkeypatch.setattr(
        Profile.all_parks,
        "filter",
        lambda *a, **k: Blind(original(*a, **k)) if "kind" in k else original(*a, **k),
    )
    errors = errors_of(lambda: create(net, user))
    assert "kind" in errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("headline", ""),
        ("headline", "x" * 201),
        ("headline", "two\nlines"),
        ("bio", "x" * 4001),
        ("needs", "x" * 4001),
        ("organisation", "x" * 201),
        ("phone", "call me"),
        ("phone", "1" * 33),
        ("country", "XX"),
        ("country", "EU"),
        ("time_zone", "Mars/Olympus"),
        ("languages", "ru,klingon"),
        ("languages", ""),
        ("stages", "unicorn"),
        ("ticket_min", Decimal("-1")),
        ("ticket_max", Decimal("1000000000000")),
        ("pilot_budget", "lots"),
        ("pilot_budget", Decimal("1.001")),
        ("capacity_mentees", 51),
        ("capacity_mentees", -1),
        ("hours_per_month", 201),
        ("intros_per_month", 101),
        ("visibility", "everyone"),
        ("bio", "bad \x00 text"),
    ],
)
def test_every_value_is_checked(net, field, value):
    user = fresh_mentor(net)
    assert field in errors_of(lambda: create(net, user, **{field: value}))
    assert not Profile.all_parks.filter(user=user).exists()


def test_ticket_bounds_are_ordered(net):
    errors = errors_of(
        lambda: create(
            net, net.investor, kind=ProfileKind.INVESTOR, ticket_min=Decimal(10), ticket_max=1
        )
    )
    assert "ticket_max" in errors


def test_directions_of_another_park_are_refused(net):
    foreign = DirectionFactory(park=net.world.other_park, code="x", name="Чужое")
    user = fresh_mentor(net)
    assert "directions" in errors_of(lambda: create(net, user, directions=[foreign.pk]))


def test_update_hide_show_and_who_may(net):
    access = net.access("mentor")
    profile = net.mentor_profile
    services.profile_update(
        access=access,
        profile=profile,
        changes={"headline": "New line", "capacity_mentees": 4},
        directions=[],
        now=NOW,
    )
    profile.refresh_from_db()
    assert profile.headline == "New line" and profile.capacity_mentees == 4
    assert list(profile.directions.all()) == []
    services.profile_hide(access=access, profile=profile, now=NOW)
    assert Profile.all_parks.get(pk=profile.pk).visibility == Visibility.HIDDEN
    services.profile_show(access=net.access("manager"), profile=profile, now=NOW)
    assert Profile.all_parks.get(pk=profile.pk).visibility == Visibility.PARK
    with pytest.raises(ValidationError):
        services.profile_update(
            access=net.access("other_mentor"), profile=profile, changes={"headline": "x"}, now=NOW
        )
    assert "capacity_mentees" in errors_of(
        lambda: services.profile_update(
            access=access, profile=profile, changes={"capacity_mentees": 99}, now=NOW
        )
    )


def test_needs_only_for_a_company_one_acts_for(net):
    company = net.world.company
    need = services.need_create(
        access=net.access("founder"),
        company=company,
        seeking=ProfileKind.MENTOR,
        summary="A mentor for export",
        directions=[net.world.direction.pk],
        languages=["ru", "en"],
        now=NOW,
    )
    assert need.languages == "ru,en" and need.is_open
    assert "company" in errors_of(
        lambda: services.need_create(
            access=net.access("other_founder"),
            company=company,
            seeking=ProfileKind.MENTOR,
            summary="x",
            now=NOW,
        )
    )
    assert "company" in errors_of(
        lambda: services.need_create(
            access=net.access("manager"),
            company=net.world.foreign_company,
            seeking=ProfileKind.MENTOR,
            summary="x",
            now=NOW,
        )
    )
    errors = errors_of(
        lambda: services.need_create(
            access=net.access("founder"),
            company=company,
            seeking="wizard",
            summary="",
            languages="xx",
            now=NOW,
        )
    )
    assert {"seeking", "summary", "languages"} <= set(errors)
    assert "summary" in errors_of(
        lambda: services.need_update(
            access=net.access("founder"), need=need, seeking="mentor", summary="x" * 2001, now=NOW
        )
    )
    services.need_close(access=net.access("manager"), need=need, now=NOW)
    assert Need.all_parks.get(pk=need.pk).is_open is False


def test_bookmarks(net):
    access = net.access("founder")
    company = net.world.company
    first = services.bookmark_add(
        access=access, company=company, profile=net.mentor_profile, now=NOW
    )
    again = services.bookmark_add(
        access=access, company=company, profile=net.mentor_profile, now=NOW
    )
    assert first.pk == again.pk and Bookmark.all_parks.count() == 1
    # a company one does not act for, a hidden profile of someone else
    assert "company" in errors_of(
        lambda: services.bookmark_add(
            access=access, company=net.world.other_company, profile=net.mentor_profile, now=NOW
        )
    )
    Profile.all_parks.filter(pk=net.investor_profile.pk).update(visibility=Visibility.HIDDEN)
    net.investor_profile.refresh_from_db()
    assert "profile" in errors_of(
        lambda: services.bookmark_add(
            access=access, company=company, profile=net.investor_profile, now=NOW
        )
    )
    assert services.bookmark_remove(
        access=access, company=company, profile=net.mentor_profile, now=NOW
    )
    assert not services.bookmark_remove(
        access=access, company=company, profile=net.mentor_profile, now=NOW
    )


def test_the_database_holds_one_profile_per_kind(net):
    with pytest.raises(IntegrityError):
        Profile.all_parks.create(
            park=net.world.park, user=net.mentor, kind=ProfileKind.MENTOR, headline="again"
        )


def test_names_in_the_readers_language():
    assert names.country_name("RU", "ru") == "Россия"
    assert names.country_name("DE", "en") == "Germany"
    assert names.language_name("sah", "ru") == "саха"
    assert names.language_name("sah", "en") == "Yakut"
    ru_countries = dict(names.country_choices("ru"))
    assert (
        ru_countries["FI"] == "Финляндия" and "001" not in ru_countries and "EU" not in ru_countries
    )
    labels = [label for _code, label in names.country_choices("ru")]
    assert labels == sorted(labels, key=str.casefold)
    assert dict(names.language_choices("ru"))["de"] == "Немецкий"
    assert names.parse_codes(" EN,ru,en ", names.LANGUAGE_CODES) == ["en", "ru"]
    with pytest.raises(ValidationError):
        names.parse_codes("ru,xx", names.LANGUAGE_CODES, field="languages")
    with pytest.raises(ValidationError):
        names.parse_codes(",".join(names.LANGUAGE_CODES), names.LANGUAGE_CODES)


def test_the_services_role_map_is_the_rules():
    from technopark.network import rules

    assert services.ROLE_OF_KIND == rules.ROLE_OF_KIND
