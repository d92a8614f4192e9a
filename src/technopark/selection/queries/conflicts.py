"""Conflicts of interest: the ones experts declare, and the obvious ones the platform finds itself.

An expert is in conflict with an application when

* they declared a conflict with its company, with a person in its team (or who filed it), or with
  an organisation whose name or INN is the company's;
* they are in the company's team (``companies.TeamMember``);
* a line of their affiliations is the company's INN, legal name or short name (case and quotes
  ignored);
* their e-mail domain is a team member's, unless it is a public mail service (``PUBLIC_DOMAINS``).

``conflict_pairs`` finds every conflict between many applications and experts in a fixed number
of queries (the optimiser and the assignment board use it); ``expert_conflicts`` explains the
conflicts of one pair (the rules and the checks before an assignment use it). These are reads:
rules ask them, so they live in queries; declaring and withdrawing a conflict are services
(``services.conflicts``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from technopark.companies.models import Company, TeamMember
from technopark.parks.models import Membership, MembershipStatus, Park
from technopark.selection.models import (
    Application,
    ConflictKind,
    ConflictOfInterest,
    ExpertProfile,
)

__all__ = [
    "PUBLIC_DOMAINS",
    "Conflict",
    "conflict_pairs",
    "email_domain",
    "expert_conflicts",
    "experts_of_park",
    "normalise_name",
]

# Public mail services: sharing one says nothing about where two people work.
PUBLIC_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "zoho.com",
        "mail.com",
        "mail.ru",
        "inbox.ru",
        "list.ru",
        "bk.ru",
        "internet.ru",
        "yandex.ru",
        "yandex.com",
        "ya.ru",
        "narod.ru",
        "rambler.ru",
        "lenta.ru",
        "autorambler.ru",
        "ro.ru",
        "example.org",
        "example.com",
        "example.net",
    }
)

_QUOTES = re.compile(r"[\"'«»“”„`]")
_SPACES = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """An organisation's name or INN as compared: case, quotes and extra spaces ignored."""
    return _SPACES.sub(" ", _QUOTES.sub("", value)).strip().casefold()


def email_domain(email: str) -> str:
    """The domain of an address, or "" for a public mail service."""
    domain = email.rpartition("@")[2].strip().casefold()
    return "" if not domain or domain in PUBLIC_DOMAINS else domain


def _affiliation_keys(expert: ExpertProfile) -> set[str]:
    return {normalise_name(line) for line in expert.affiliations.splitlines() if line.strip()}


def _company_keys(company: Company) -> set[str]:
    return {
        key
        for key in (
            normalise_name(company.inn),
            normalise_name(company.legal_name),
            normalise_name(company.short_name),
        )
        if key
    }


@dataclass(frozen=True)
class Conflict:
    """Why an expert may not review an application (``kind``: a code; ``reason``: for people)."""

    kind: str
    reason: str


def _company_conflicts(
    *,
    expert: ExpertProfile,
    company: Company,
    team: list[TeamMember],
    declared: list[ConflictOfInterest],
    filed_by_id: int | None,
) -> list[Conflict]:
    found: list[Conflict] = []
    company_keys = _company_keys(company)
    team_users = {member.user_id for member in team}
    for conflict in declared:
        if conflict.kind == ConflictKind.COMPANY and conflict.company_id == company.pk:
            found.append(Conflict("declared", _("declared a conflict with the company")))
        elif conflict.kind == ConflictKind.PERSON and (
            conflict.person_id in team_users or conflict.person_id == filed_by_id
        ):
            found.append(Conflict("declared", _("declared a conflict with a person in its team")))
        elif (
            conflict.kind == ConflictKind.ORGANISATION
            and normalise_name(conflict.organisation) in company_keys
        ):
            found.append(Conflict("declared", _("declared a conflict with the organisation")))
    if expert.user_id in team_users:
        found.append(Conflict("team", _("is in the applicant's team")))
    if _affiliation_keys(expert) & company_keys:
        found.append(Conflict("affiliation", _("shares an affiliation with the applicant")))
    domain = email_domain(expert.user.email)
    if domain and any(email_domain(member.user.email) == domain for member in team):
        found.append(
            Conflict("email_domain", _("shares an e-mail domain with the applicant's team"))
        )
    return found


def expert_conflicts(*, expert: ExpertProfile, application: Application) -> list[Conflict]:
    """Every conflict between ``expert`` and ``application`` (empty: none). Three queries."""
    company = Company.all_parks.get(park_id=application.park_id, pk=application.company_id)
    team = list(TeamMember.objects.filter(company_id=company.pk).select_related("user"))
    declared = list(ConflictOfInterest.objects.filter(expert_id=expert.pk))
    return _company_conflicts(
        expert=expert,
        company=company,
        team=team,
        declared=declared,
        filed_by_id=application.created_by_id,
    )


def conflict_pairs(
    *, applications: Iterable[Application], experts: Iterable[ExpertProfile]
) -> set[tuple[int, int]]:
    """The (application id, expert id) pairs in conflict. Three queries however many there are:
    the companies, their teams with their people's e-mail addresses, the declared conflicts.

    The experts must come with their ``user`` loaded (``select_related("user")``).
    """
    applications = list(applications)
    experts = list(experts)
    if not applications or not experts:
        return set()
    company_ids = {a.company_id for a in applications}
    companies = {c.pk: c for c in Company.all_parks.filter(pk__in=company_ids)}
    teams: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for company_id, user_id, email in TeamMember.objects.filter(
        company_id__in=company_ids
    ).values_list("company_id", "user_id", "user__email"):
        teams[company_id].append((user_id, email))
    declared: dict[int, list[ConflictOfInterest]] = defaultdict(list)
    for conflict in ConflictOfInterest.objects.filter(expert__in=[e.pk for e in experts]):
        declared[conflict.expert_id].append(conflict)

    # Indexes from what an expert may share to the companies (and applications) that have it.
    by_key: dict[str, set[int]] = defaultdict(set)
    for company in companies.values():
        for key in _company_keys(company):
            by_key[key].add(company.pk)
    by_user: dict[int, set[int]] = defaultdict(set)
    by_domain: dict[str, set[int]] = defaultdict(set)
    for company_id, members in teams.items():
        for user_id, email in members:
            by_user[user_id].add(company_id)
            domain = email_domain(email)
            if domain:
                by_domain[domain].add(company_id)
    apps_by_company: dict[int, list[int]] = defaultdict(list)
    apps_by_filer: dict[int, list[int]] = defaultdict(list)
    for application in applications:
        apps_by_company[application.company_id].append(application.pk)
        if application.created_by_id is not None:
            apps_by_filer[application.created_by_id].append(application.pk)

    pairs: set[tuple[int, int]] = set()
    for expert in experts:
        conflicted: set[int] = set(by_user.get(expert.user_id, ()))
        for key in _affiliation_keys(expert):
            conflicted |= by_key.get(key, set())
        domain = email_domain(expert.user.email)
        if domain:
            conflicted |= by_domain.get(domain, set())
        extra_apps: list[int] = []
        for conflict in declared.get(expert.pk, ()):
            if conflict.kind == ConflictKind.COMPANY and conflict.company_id:
                conflicted.add(conflict.company_id)
            elif conflict.kind == ConflictKind.PERSON and conflict.person_id:
                conflicted |= by_user.get(conflict.person_id, set())
                extra_apps.extend(apps_by_filer.get(conflict.person_id, ()))
            elif conflict.kind == ConflictKind.ORGANISATION:
                conflicted |= by_key.get(normalise_name(conflict.organisation), set())
        for company_id in conflicted:
            for app_id in apps_by_company.get(company_id, ()):
                pairs.add((app_id, expert.pk))
        for app_id in extra_apps:
            pairs.add((app_id, expert.pk))
    return pairs


def experts_of_park(*, park: Park) -> Any:
    """Expert profiles of people who hold the expert role in ``park`` now (a queryset)."""
    active = Membership.all_parks.filter(
        park=park, role="expert", status=MembershipStatus.ACTIVE
    ).values("user_id")
    return ExpertProfile.all_parks.filter(park=park, user_id__in=active)
