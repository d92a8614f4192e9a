"""Demo introductions of Technopark Yakutia: a few waiting for an answer, a few accepted (a
mentor's acceptance opens a mentoring pairing), declined with a reason, and expired unanswered,
asked by the park's companies of the demo profiles, through the network services.

``seed_intros(park, accounts=…, now=…)`` reads the park's active, visible profiles (seeded
beforehand by the profiles' demo) and does nothing when there are none. Idempotent: a park that
has introductions already is left alone. Returns how many introductions it made.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from technopark.companies.models import TeamMember
from technopark.network.models import Introduction, Profile, Visibility
from technopark.network.services import intros
from technopark.parks.models import Park
from technopark.parks.rules import access_for

DEMO_DOMAIN = "demo.technopark"

NOTES = (
    "Мы делаем датчики для мониторинга вечной мерзлоты под фундаментами. Есть пилот с одной "
    "управляющей компанией в Якутске; ищем совет, как выйти на промышленных заказчиков.",
    "Разрабатываем сервис учёта северного завоза для малых посёлков. Нужен взгляд человека, "
    "который знает логистику и закупки региона.",
    "Готовим посевной раунд: продукт работает у трёх клиентов, выручка растёт. Хотим обсудить, "
    "подходит ли наша стадия вашему фонду.",
    "Ищем первого крупного заказчика для пилота системы распознавания дефектов труб. Будем рады "
    "короткой встрече, чтобы понять ваши требования.",
)
ANSWERS = (
    "Интересно, давайте созвонимся на следующей неделе.",
    "Рад знакомству, напишите, когда удобно встретиться.",
)

# What happens to each request, in order: the first ones wait, then accepted, declined, expired.
PLAN = (
    ["requested"] * 3 + ["accepted"] * 3 + ["declined"] * 2 + ["expired"] * 2  # ten in all
)


def _founder(accounts: Any) -> Any:
    if isinstance(accounts, dict):
        for key in ("founder", f"founder@{DEMO_DOMAIN}"):
            if key in accounts:
                return accounts[key]
    return None


def _askers(park: Park, accounts: Any) -> list[tuple[Any, Any]]:
    """(company, person acting for it) of the park, the demo founder's company first."""
    founder = _founder(accounts)
    seen: set[int] = set()
    pairs: list[tuple[Any, Any]] = []
    rows = (
        TeamMember.objects.filter(company__park=park, acts_for_company=True)
        .select_related("company", "user")
        .order_by("company__short_name", "pk")
    )
    for row in rows:
        if row.company_id in seen:
            continue
        seen.add(row.company_id)
        pair = (row.company, row.user)
        if founder is not None and row.user_id == founder.pk:
            pairs.insert(0, pair)
        else:
            pairs.append(pair)
    return pairs[:6]


def _pairs(
    askers: list[tuple[Any, Any]], profiles: list[Profile]
) -> Iterator[tuple[Any, Any, Any]]:
    """(company, person, profile), spreading the requests over companies and profiles."""
    for index in range(len(askers) * len(profiles)):
        company, person = askers[index % len(askers)]
        profile = profiles[(index * 7) % len(profiles)]
        if profile.user_id != person.pk:
            yield company, person, profile


def seed_intros(park: Park, *, accounts: Any, now: datetime) -> int:
    """Ten introductions in every state (see the module docstring); 0 when the park has no
    profiles or introductions already."""
    profiles = list(
        Profile.all_parks.filter(park=park, is_active=True, visibility=Visibility.PARK)
        .select_related("user")
        .order_by("kind", "pk")
    )
    if not profiles or Introduction.all_parks.filter(park=park).exists():
        return 0
    askers = _askers(park, accounts)
    if not askers:
        return 0
    made = 0
    steps = iter(PLAN)
    step = next(steps, None)
    for company, person, profile in _pairs(askers, profiles):
        if step is None:
            break
        asked_at = now - (timedelta(days=20) if step == "expired" else timedelta(days=2))
        try:
            # one step at a time: a refused acceptance leaves no stray request behind
            with transaction.atomic():
                intro = intros.intro_request(
                    access=access_for(person, park),
                    company=company,
                    profile=profile,
                    note=NOTES[made % len(NOTES)],
                    now=asked_at,
                )
                holder = access_for(profile.user, park)
                if step == "accepted":
                    intros.intro_accept(
                        access=holder,
                        intro=intro,
                        answer=ANSWERS[made % len(ANSWERS)],
                        now=asked_at + timedelta(days=1),
                    )
                elif step == "declined":
                    intros.intro_decline(
                        access=holder,
                        intro=intro,
                        reason="too_early",
                        answer="Покажите результаты пилота, и вернёмся к разговору.",
                        now=asked_at + timedelta(days=1),
                    )
        except ValidationError:
            continue  # a limit or a full mentor: try the next pair
        made += 1
        step = next(steps, None)
    intros.intros_expire(now=now, park=park)
    return made
