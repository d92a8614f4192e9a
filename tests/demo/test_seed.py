"""``manage.py seed_demo``: idempotent, valid registration numbers, an account per role, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from technopark.accounts.models import GlobalRole, User
from technopark.companies.models import Company, Stage, StageChange, TeamMember
from technopark.companies.validators import is_valid_inn, is_valid_ogrn, validate_inn_ogrn_pair
from technopark.demo import data
from technopark.parks.models import Direction, Membership, Park, Role, Site
from technopark.parks.rules import access_for, can_read_records

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
COUNTED = (Park, Site, Direction, Company, StageChange, TeamMember, User, Membership, EmailAddress)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    rows = {model.__name__: model._default_manager.count() for model in COUNTED}
    rows["Company.directions"] = Company.directions.through.objects.count()
    return rows


@pytest.fixture(scope="module")
def seeded_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """Seed once for the read-only tests of this module (seeding takes a couple of seconds on
    PostgreSQL), and remove the demo again afterwards so no other module sees it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        output = seed()
    yield output
    with django_db_blocker.unblock():
        # A park with calls, grants and an audit trail cannot be deleted (PROTECT, on purpose):
        # the whole test database is emptied instead.
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(seeded_module: str, db: Any) -> str:
    return seeded_module


def test_every_registration_number_is_valid(seeded: str) -> None:
    companies = list(Company.all_parks.all())

    for company in companies:
        assert is_valid_inn(company.inn), company.inn
        assert is_valid_ogrn(company.ogrn), company.ogrn
        validate_inn_ogrn_pair(company.inn, company.ogrn)
        assert company.inn[:2] == company.region
    entrepreneurs = [c for c in companies if len(c.inn) == 12]
    assert entrepreneurs and all(len(c.ogrn) == 15 for c in entrepreneurs)
    assert all(c.legal_name.startswith("Индивидуальный предприниматель") for c in entrepreneurs)
    yakutia = [c for c in companies if c.park.slug == "yakutia"]
    local = sum(c.region == "14" for c in yakutia)
    assert len(yakutia) * 0.8 < local < len(yakutia)  # mostly local, a few from other regions


def test_companies_cover_every_stage_site_and_direction(seeded: str) -> None:
    park = Park.objects.get(slug="yakutia")
    companies = Company.all_parks.filter(park=park).prefetch_related("directions")

    assert {c.stage for c in companies} == set(Stage.values)
    assert {c.site_id for c in companies} >= set(
        Site.all_parks.filter(park=park).values_list("pk", flat=True)
    )
    used = {d.code for c in companies for d in c.directions.all()}
    # Companies are tagged with sub-directions rather than with "it" itself.
    assert {d.code for d in data.YAKUTIA_DIRECTIONS} - {"it"} <= used
    assert all(1 <= len(c.directions.all()) <= 3 for c in companies)
    assert {c.search_text != "" for c in companies} == {True}
    it = Direction.all_parks.get(park=park, code="it")
    assert it.children.count() == 11
    assert Direction.all_parks.filter(park=park, parent=None).count() == 6


def test_every_role_has_an_account_that_signs_in(seeded: str) -> None:
    park = Park.objects.get(slug="yakutia")
    demo_roles = set()
    for spec in data.ACCOUNTS:
        if spec.park != park.slug:
            continue
        member = Membership.all_parks.select_related("user").get(
            park=park, user__email=spec.email, role=spec.role
        )
        user = authenticate(email=spec.email, password=data.DEMO_PASSWORD)
        assert user == member.user, spec.role
        demo_roles.add(spec.role)
    assert demo_roles == set(Role.values)

    platform = User.objects.get(global_role=GlobalRole.PLATFORM_ADMIN)
    assert platform.is_staff and platform.is_superuser
    national = User.objects.get(global_role=GlobalRole.NATIONAL_OBSERVER)
    for user in (platform, national):
        assert authenticate(email=user.email, password=data.DEMO_PASSWORD) == user

    founder = User.objects.get(email=f"founder@{data.DEMO_EMAIL_DOMAIN}")
    assert TeamMember.objects.filter(user=founder, acts_for_company=True).count() == 1


def test_accounts_pass_mandatory_email_verification(seeded: str, settings: Any) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    for spec in data.ACCOUNTS:
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": spec.email, "password": data.DEMO_PASSWORD}
        )
        assert response.status_code == 302, spec.email
        assert response.url != reverse("account_email_verification_sent"), spec.email
        assert "_auth_user_id" in client.session, spec.email


def test_the_second_park_is_isolated(seeded: str) -> None:
    yakutia = Park.objects.get(slug="yakutia")
    magadan = Park.objects.get(slug="magadan")
    manager = User.objects.get(email=f"manager.magadan@{data.DEMO_EMAIL_DOMAIN}")

    assert set(manager.memberships.values_list("park__slug", "role")) == {("magadan", "manager")}
    assert not can_read_records(access_for(manager, yakutia))
    assert can_read_records(access_for(manager, magadan))
    assert Company.all_parks.filter(park=magadan).count() == 10
    for company in Company.all_parks.select_related("site").prefetch_related("directions"):
        assert company.site is None or company.site.park_id == company.park_id
        assert {d.park_id for d in company.directions.all()} <= {company.park_id}
    assert Site.all_parks.get(park=magadan).time_zone == "Asia/Magadan"

    client = Client()
    assert client.login(email=manager.email, password=data.DEMO_PASSWORD)
    assert client.get(reverse("companies:list", kwargs={"park_slug": "yakutia"})).status_code == 403
    own = client.get(reverse("companies:list", kwargs={"park_slug": "magadan"}))
    assert own.status_code == 200
    assert [c.park_id for c in own.context["companies"]] == [magadan.pk] * 10


def test_the_command_prints_the_accounts_and_the_mfa_note(seeded: str) -> None:
    output = seed()

    for spec in data.ACCOUNTS:
        assert spec.email in output
    assert data.DEMO_PASSWORD in output
    assert "TECHNOPARK_MFA_REQUIRED_FOR_STAFF" in output


# --- Demo data that reads like a real park's -------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "name", "when"),
    [
        (date(2026, 9, 1), "Осенний поток 2026", "осень 2026"),
        (date(2026, 3, 16), "Весенний поток 2026", "весна 2026"),
        (date(2026, 7, 1), "Летний поток 2026", "лето 2026"),
        (date(2026, 12, 7), "Зимний поток 2026/27", "зима 2026/27"),
        (date(2027, 2, 1), "Зимний поток 2026/27", "зима 2026/27"),
    ],
)
def test_a_cohort_is_named_for_the_season_it_starts_in(
    starts_on: date, name: str, when: str
) -> None:
    from technopark.demo.programmes import cohort_name, season

    assert cohort_name(starts_on) == name
    assert season(starts_on) == when


def test_experts_and_founders_write_from_different_domains() -> None:
    from technopark.demo.selection_review import EXTRA_EXPERTS

    expert_domains = {email.split("@")[1] for email, *_rest in EXTRA_EXPERTS}
    assert len(expert_domains) == len(EXTRA_EXPERTS)  # each at their own university, fund, firm
    assert data.DEMO_EMAIL_DOMAIN not in expert_domains
