"""Demo mentoring of a park: a few pairings of the park's demo mentors with its companies (the
demo founder's company first), each with sessions over the past weeks rated by both sides, and
one fit answer (the founder's company finds its mentor a good fit).

``seed_mentoring(park, accounts=…, now=…)`` goes through the mentoring services (staff set the
pairings, the mentor and the company's team log and rate). It does nothing when the park has
no active mentor profile, and nothing when the park already has a pairing, so a second run
changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError

from technopark.companies.models import Company, TeamMember
from technopark.core.localtime import local_today
from technopark.network.models import Fit, Pairing, Profile, ProfileKind, SessionFormat
from technopark.network.services import mentoring
from technopark.parks.models import Park
from technopark.parks.rules import access_for

PAIRINGS = 3
DEMO_DOMAIN = "demo.technopark"

# (weeks ago, minutes, format, topics, mentor's rating, company's rating)
SESSIONS = [
    (7, 60, SessionFormat.IN_PERSON, "Цели на квартал, метрики продукта", 4, 4),
    (5, 45, SessionFormat.ONLINE, "Ценообразование и первые продажи", 3, 4),
    (3, 90, SessionFormat.ONLINE, "Подготовка к переговорам с заказчиком", 4, 3),
    (1, 30, SessionFormat.PHONE, "Разбор пилота, следующие шаги", None, 4),
]
GOALS = "Найти первых платящих заказчиков и выстроить воронку продаж к концу квартала."


def _account(accounts: dict[Any, Any], role: str) -> Any:
    for key in (role, f"{role}@{DEMO_DOMAIN}"):
        if key in accounts:
            return accounts[key]
    return None


def _companies(park: Park, founder: Any) -> list[Company]:
    """The park's companies, the demo founder's first."""
    rows = list(Company.all_parks.filter(park=park).order_by("pk")[:20])
    own = set(
        TeamMember.objects.filter(user=founder, company__park=park).values_list(
            "company_id", flat=True
        )
        if founder is not None
        else []
    )
    return sorted(rows, key=lambda company: (company.pk not in own, company.pk))


def _team_person(company: Company) -> Any:
    member = (
        TeamMember.objects.filter(company=company, acts_for_company=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return member.user if member is not None else None


def seed_mentoring(park: Park, *, accounts: dict[Any, Any], now: datetime) -> list[Pairing]:
    """Create the demo pairings of ``park`` (see the module's docstring); the pairings made."""
    mentors = list(
        Profile.all_parks.filter(park=park, kind=ProfileKind.MENTOR, is_active=True)
        .select_related("user")
        .order_by("pk")[:PAIRINGS]
    )
    manager = _account(accounts, "manager")
    if not mentors or manager is None or Pairing.all_parks.filter(park=park).exists():
        return []
    staff = access_for(manager, park)
    today = local_today(park.time_zone, at=now)
    started_at = now - timedelta(weeks=8)
    made: list[Pairing] = []
    for mentor, company in zip(
        mentors, _companies(park, _account(accounts, "founder")), strict=False
    ):
        try:
            pairing = mentoring.pairing_create_by_staff(
                access=staff, profile=mentor, company=company, goals=GOALS, now=started_at
            )
        except ValidationError:
            continue  # no place left, or already paired: the demo goes on without it
        mentor_access = access_for(mentor.user, park)
        person = _team_person(company)
        company_access = access_for(person, park) if person is not None else None
        # The later pairings have had fewer sessions.
        for weeks, minutes, form, topics, mentor_rating, company_rating in SESSIONS[len(made) :]:
            session = mentoring.session_log(
                access=mentor_access,
                pairing=pairing,
                held_on=today - timedelta(weeks=weeks),
                duration_minutes=minutes,
                format=form,
                topics=topics,
                notes="Договорились о следующих шагах; материалы отправлены после встречи.",
                rating=mentor_rating,
                now=now,
            )
            if company_access is not None and company_rating is not None:
                mentoring.session_rate(
                    access=company_access, session=session, rating=company_rating, now=now
                )
        if not made and company_access is not None:
            pairing = mentoring.pairing_answer_fit(
                access=company_access, pairing=pairing, fit=Fit.GOOD, now=now
            )
        made.append(pairing)
    return made
