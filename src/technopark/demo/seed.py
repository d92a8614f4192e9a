"""Load the demo parks: Technopark Yakutia with about 200 companies, and a small second park.

Idempotent: every row is looked up by its natural key (a park's slug, a site's name, a direction's
code, a company's INN, a person's e-mail) and created only when missing, through the apps'
services, so a second run changes nothing and duplicates nothing. Deterministic: companies come
from a seeded generator (``technopark.demo.generator``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from technopark.accounts.models import User
from technopark.companies import services as company_services
from technopark.companies.models import Company, StageChange, TeamMember
from technopark.demo import data
from technopark.demo.engineering import seed_engineering
from technopark.demo.generator import CompanySpec, company_specs
from technopark.demo.grants import seed_grants
from technopark.demo.network import seed_network
from technopark.demo.network_intros import seed_intros
from technopark.demo.network_matching import seed_matching
from technopark.demo.network_mentoring import seed_mentoring
from technopark.demo.programmes import seed_programmes
from technopark.demo.residency import seed_residency
from technopark.demo.selection_apply import seed_selection_apply
from technopark.demo.selection_council import seed_selection_council
from technopark.demo.selection_review import seed_selection_review
from technopark.demo.spaces import seed_spaces
from technopark.parks import services as park_services
from technopark.parks.models import Direction, Park, Site

YAKUTIA_COMPANIES = 200
MAGADAN_COMPANIES = 10


@dataclass
class SeedResult:
    """What a run made: the parks, the accounts with their roles, and how many rows were new."""

    parks: dict[str, Park] = field(default_factory=dict)
    accounts: list[tuple[data.AccountData, User]] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1


def ensure_park(spec: data.ParkData, result: SeedResult) -> Park:
    park = Park.objects.filter(slug=spec.slug).first()
    if park is None:
        park = park_services.park_create(
            name=spec.name,
            name_en=spec.name_en,
            slug=spec.slug,
            region=spec.region,
            time_zone=spec.time_zone,
            description=spec.description,
            description_en=spec.description_en,
        )
        result.count("parks", True)
    result.parks[spec.slug] = park
    return park


def ensure_sites(park: Park, sites: tuple[data.SiteData, ...], result: SeedResult) -> list[Site]:
    made = []
    for spec in sites:
        site = Site.all_parks.filter(park=park, name=spec.name).first()
        if site is None:
            site = park_services.site_create(
                park=park,
                name=spec.name,
                name_en=spec.name_en,
                address=spec.address,
                time_zone=spec.time_zone,
            )
            result.count("sites", True)
        made.append(site)
    return made


def ensure_directions(
    park: Park, directions: tuple[data.DirectionData, ...], result: SeedResult
) -> dict[str, Direction]:
    """Directions by code; parents come before their children in ``directions``."""
    by_code = {d.code: d for d in Direction.all_parks.filter(park=park)}
    for position, spec in enumerate(directions):
        if spec.code in by_code:
            continue
        by_code[spec.code] = park_services.direction_create(
            park=park,
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            parent=by_code[spec.parent] if spec.parent else None,
            position=position,
        )
        result.count("directions", True)
    return by_code


def _backdate_history(company: Company, spec: CompanySpec) -> None:
    """Spread the stage history between the founding date and today (the service stamps "now").

    Demo-only: real history is written as it happens, so no service sets a past date.
    """
    steps = list(
        StageChange.objects.filter(company=company)
        .order_by("changed_at", "id")
        .values_list("id", flat=True)
    )
    start = timezone.make_aware(datetime.combine(spec.founded_on, time(10)))
    span = max((timezone.now() - start).days, len(steps))
    for index, step_id in enumerate(steps):
        when = start + timedelta(days=span * index // len(steps))
        StageChange.objects.filter(pk=step_id).update(changed_at=when)


def ensure_companies(
    park: Park,
    specs: list[CompanySpec],
    sites: list[Site],
    directions: dict[str, Direction],
    actor: User,
    result: SeedResult,
) -> list[Company]:
    existing = {c.inn: c for c in Company.all_parks.filter(park=park)}
    companies = []
    for spec in specs:
        company = existing.get(spec.inn)
        if company is None:
            first_stage = spec.earlier_stages[0] if spec.earlier_stages else spec.stage
            company = company_services.company_create(
                park=park,
                actor=actor,
                legal_name=spec.legal_name,
                short_name=spec.short_name,
                inn=spec.inn,
                ogrn=spec.ogrn,
                region=spec.region,
                stage=first_stage,
                directions=[directions[code] for code in spec.direction_codes],
                is_sme=spec.is_sme,
                founded_on=spec.founded_on,
                website=spec.website,
                description=spec.description,
                site=sites[spec.site_index] if spec.site_index is not None else None,
                started_in_park=spec.started_in_park,
                supported_by_park=spec.supported_by_park,
            )
            for later in (*spec.earlier_stages[1:], spec.stage):
                if later != company.stage:
                    company_services.company_change_stage(
                        company=company,
                        actor=actor,
                        to_stage=later,
                        evidence="Демонстрационные данные",
                    )
            if spec.earlier_stages:
                _backdate_history(company, spec)
            result.count("companies", True)
        companies.append(company)
    return companies


def ensure_account(spec: data.AccountData, result: SeedResult) -> User:
    """The account with a verified primary address; the demo password is set when it is made."""
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        platform_admin = spec.global_role == "platform_admin"
        user = User.objects.create_user(
            spec.email,
            data.DEMO_PASSWORD,
            full_name=spec.full_name,
            global_role=spec.global_role,
            is_staff=platform_admin,
            is_superuser=platform_admin,
        )
        result.count("accounts", True)
    # Sign-in requires a verified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
    address, created = EmailAddress.objects.get_or_create(
        user=user, email=spec.email, defaults={"verified": True, "primary": True}
    )
    if not created and not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    return user


def ensure_memberships(result: SeedResult) -> None:
    for spec, user in result.accounts:
        if spec.park:
            park_services.membership_grant(park=result.parks[spec.park], user=user, role=spec.role)


def ensure_founder(user: User, company: Company) -> None:
    if not TeamMember.objects.filter(company=company, user=user).exists():
        company_services.team_member_add(company=company, user=user, position=data.FOUNDER_POSITION)


@transaction.atomic
def seed_demo(
    *, yakutia_companies: int = YAKUTIA_COMPANIES, magadan_companies: int = MAGADAN_COMPANIES
) -> SeedResult:
    """Create whatever of the demo is missing; return the parks and the demo accounts."""
    result = SeedResult()
    yakutia = ensure_park(data.YAKUTIA, result)
    magadan = ensure_park(data.MAGADAN, result)
    result.accounts = [(spec, ensure_account(spec, result)) for spec in data.ACCOUNTS]
    ensure_memberships(result)
    users = {spec.email: user for spec, user in result.accounts}
    manager = users[f"manager@{data.DEMO_EMAIL_DOMAIN}"]

    sites = ensure_sites(yakutia, data.YAKUTIA_SITES, result)
    directions = ensure_directions(yakutia, data.YAKUTIA_DIRECTIONS, result)
    specs = list(
        company_specs(
            count=yakutia_companies,
            seed=data.RANDOM_SEED,
            region=data.YAKUTIA.region,
            directions=data.YAKUTIA_DIRECTIONS,
            sites=len(sites),
            first_number=1,
        )
    )
    companies = ensure_companies(yakutia, specs, sites, directions, manager, result)
    if companies:
        founder = users[f"founder@{data.DEMO_EMAIL_DOMAIN}"]
        ensure_founder(founder, companies[data.FOUNDER_COMPANY_INDEX])
        seed_park_activity(yakutia, accounts=yakutia_accounts(result))

    magadan_sites = ensure_sites(magadan, data.MAGADAN_SITES, result)
    magadan_directions = ensure_directions(magadan, data.MAGADAN_DIRECTIONS, result)
    magadan_specs = list(
        company_specs(
            count=magadan_companies,
            seed=data.RANDOM_SEED + 49,
            region=data.MAGADAN.region,
            office="09",
            directions=data.MAGADAN_DIRECTIONS,
            sites=len(magadan_sites),
            first_number=1,
            other_regions=(),
        )
    )
    ensure_companies(
        magadan,
        magadan_specs,
        magadan_sites,
        magadan_directions,
        users[f"manager.magadan@{data.DEMO_EMAIL_DOMAIN}"],
        result,
    )
    seed_spaces(magadan, accounts={"manager": users[f"manager.magadan@{data.DEMO_EMAIL_DOMAIN}"]})
    return result


def yakutia_accounts(result: SeedResult) -> dict[str, User]:
    """The demo accounts of Yakutia by e-mail and by role (the first account of each role)."""
    accounts: dict[str, User] = {}
    for spec, user in result.accounts:
        accounts[spec.email] = user
        if spec.park == data.YAKUTIA.slug and spec.role:
            accounts.setdefault(str(spec.role), user)
    return accounts


def seed_park_activity(park: Park, *, accounts: dict[str, User]) -> None:
    """What the park's people have done: residents and their reports, calls with applications in
    every state, experts' reviews, the council's decisions, spaces and bookings, a programme with
    its cohorts and grants. Order matters: reviews need submitted applications, the council decides
    reviewed ones, a cohort is filled from admitted applications, grants go to its participants."""
    seed_residency(park, accounts=accounts)
    seed_selection_apply(park, accounts=accounts)
    seed_selection_review(park, accounts=accounts)
    seed_selection_council(park, accounts=accounts)
    seed_spaces(park, accounts=accounts)
    seed_programmes(park, users=accounts)
    seed_grants(park, users=accounts)
    seed_engineering(park, accounts=accounts)
    seed_network(park, accounts=accounts)
    # The network's activity, on the profiles above: a cohort matched in one batch, mentoring
    # sessions, then introductions (an accepted mentor's request opens a pairing too).
    now = timezone.now()
    seed_matching(park, accounts=accounts, now=now)
    seed_mentoring(park, accounts=accounts, now=now)
    seed_intros(park, accounts=accounts, now=now)


def accounts_table(result: SeedResult) -> list[tuple[str, str, str, str]]:
    """Rows of (e-mail, password, role, park) for the demo accounts, as the command prints them."""
    rows = []
    for spec, _user in result.accounts:
        role = spec.global_role or spec.role
        park = result.parks[spec.park].name if spec.park else "все парки / all parks"
        rows.append((spec.email, data.DEMO_PASSWORD, str(role), park))
    return rows


def format_table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in (header, tuple("-" * w for w in widths), *rows)
    ]
    return "\n".join(line.rstrip() for line in lines)
