"""Demo grants: every step of the tranche workflow on the demo cohort's participants.

``seed_grants(park, users=…)`` takes the participants the programmes seed made (the founder's
company first) and, for each of up to five of them that has no grant yet, awards one through the
services and moves it to a different step:

1. the founder's company — 1,500,000 ₽ in three tranches: the first approved by the park admin
   and the grants controller, its milestone reported (spending per budget line, an attached act)
   and accepted, then paid by the accountant; the second approved once (waiting for a second
   staff member); the third requested; the second milestone overdue;
2. 1,200,000 ₽ — the first tranche approved by two staff, waiting for payment;
3. 1,000,000 ₽ — the first tranche reported, accepted and paid, 150,000 ₽ clawed back (unspent
   equipment money);
4. 800,000 ₽ — the second tranche cancelled (milestone dropped), the first requested;
5. 2,000,000 ₽ (the cap) — just awarded, tranches requested, a report returned for changes.

The park's grant policy is the default one (pay only against accepted reports, segregation of
duties): the manager awards and so requests every tranche, the park admin and a grants
controller approve, and an accountant — neither requester nor approver — pays. The controller
and the accountant are demo staff accounts of their own, made here when missing.

Idempotent: a participant that already has a grant is left alone, so a second run changes
nothing. Payment idempotency keys are deterministic (``demo-<award>-<tranche>``).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from technopark.accounts.models import User
from technopark.core.localtime import local_today
from technopark.demo.data import DEMO_PASSWORD
from technopark.grants import services
from technopark.grants.models import GrantAward, Tranche
from technopark.parks import services as park_services
from technopark.parks.models import Park, Role
from technopark.programmes.models import Participant

DEMO_DOMAIN = "demo.technopark"
D = Decimal


def _user(users: Any, *roles: str) -> Any:
    """The demo account for the first of ``roles`` found, whatever ``users`` is keyed by (the
    role, the e-mail, or pairs of an account spec and its user)."""
    items = list(users.items()) if isinstance(users, dict) else list(users)
    for role in roles:
        email = f"{role}@{DEMO_DOMAIN}"
        for key, value in items:
            if key in (role, email) or getattr(key, "email", None) == email:
                return value
            if getattr(value, "email", None) == email:
                return value
    return None


# The staff that segregation of duties needs beyond the manager (requester) and the park admin.
GRANTS_STAFF = (
    ("controller", "Мария Афанасьевна Слепцова"),
    ("accountant", "Людмила Прокопьевна Оконешникова"),
)


def _grants_staff(park: Park, local: str, full_name: str) -> User:
    """A demo staff account of ``park`` (a manager), made with a verified address if missing."""
    email = f"{local}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    park_services.membership_grant(park=park, user=user, role=Role.MANAGER)
    return user


def _approve(tranche: Tranche, *people: Any) -> None:
    for person in people:
        if person is not None:
            services.tranche_approve(tranche=tranche, actor=person)


def _pay(award: GrantAward, tranche: Tranche, actor: Any, paid_on: Any) -> None:
    services.tranche_pay(
        tranche=tranche,
        actor=actor,
        payment_reference=f"ПП-{award.pk:04d}-{tranche.number}",
        idempotency_key=f"demo-{award.pk}-{tranche.number}",
        paid_on=paid_on,
    )


def seed_grants(park: Park, *, users: Any) -> None:
    """Create the demo grants of ``park`` that are missing (see the module docstring)."""
    manager = _user(users, "manager")
    admin = _user(users, "park_admin", "admin")
    founder = _user(users, "founder")
    if manager is None:
        return
    participants = list(
        Participant.objects.filter(cohort__park=park)
        .select_related("company", "cohort__programme")
        .order_by("-cohort__starts_on", "pk")[:20]
    )
    if founder is not None:
        own = [p for p in participants if p.company.team.filter(user=founder).exists()]
        participants = own[:1] + [p for p in participants if p not in own[:1]]
    today = local_today(park.time_zone)
    steps = [_founders_grant, _approved, _clawed_back, _cancelled, _just_awarded]
    pending = [
        (step, participant)
        for step, participant in zip(steps, participants, strict=False)
        if not GrantAward.all_parks.filter(participant=participant).exists()
    ]
    if not pending:
        return
    controller, accountant = (_grants_staff(park, *spec) for spec in GRANTS_STAFF)
    for step, participant in pending:
        step(
            participant,
            manager=manager,
            admin=admin,
            founder=founder,
            today=today,
            controller=controller,
            accountant=accountant,
        )


def _award(
    participant: Participant,
    manager: Any,
    amount: str,
    plan: list[tuple[str, int, str]],
    today: Any,
    n: int,
) -> GrantAward:
    total = D(amount)
    equipment = (total * D("0.4")).quantize(D("0.01"))
    salaries = (total * D("0.35")).quantize(D("0.01"))
    services_line = (total * D("0.15")).quantize(D("0.01"))
    materials = total - equipment - salaries - services_line
    cap = participant.cohort.programme.grant_cap
    if total > cap:
        total = cap
        equipment = total
        salaries = services_line = materials = D("0")
    return services.grant_award_create(
        participant=participant,
        actor=manager,
        amount=total,
        # As a grant committee numbers its minutes: the number within the year of the meeting.
        decision_reference=(
            f"Протокол № ГК-{(today - timedelta(days=60)).year}/{n:02d} "
            f"от {today - timedelta(days=60):%d.%m.%Y}"
        ),
        decided_on=today - timedelta(days=60),
        budget={
            "equipment": equipment,
            "salaries": salaries,
            "services": services_line,
            "materials": materials,
        },
        milestones=[
            services.MilestonePlan(
                title=title,
                due_on=today + timedelta(days=days),
                deliverables=f"{title}: отчёт, акты, фотографии.",
                tranche_amount=min(D(value), total),
            )
            for title, days, value in plan
        ],
    )


def _founders_grant(
    participant: Participant,
    *,
    manager: Any,
    admin: Any,
    founder: Any,
    today: Any,
    controller: Any,
    accountant: Any,
) -> None:
    award = _award(
        participant,
        manager,
        "1500000.00",
        [
            ("Прототип", -30, "500000.00"),
            ("Пилот у заказчика", -5, "500000.00"),
            ("Выход на рынок", 90, "500000.00"),
        ],
        today,
        1,
    )
    first, second, _third = list(award.tranches.order_by("number"))
    _approve(first, admin, controller)
    _approve(second, controller)
    milestone = first.milestone
    if founder is not None:
        report = services.grant_report_file(
            milestone=milestone,
            actor=founder,
            summary="Собран и испытан прототип, закуплено оборудование.",
            spending={"equipment": D("380000.00"), "materials": D("95000.50")},
            attachments=[
                SimpleUploadedFile(
                    "акт-приёмки.txt", "Акт приёмки оборудования № 12".encode(), "text/plain"
                )
            ],
        )
        services.grant_report_review(report=report, actor=manager, accept=True)
        if admin is not None:
            _pay(award, first, accountant, today - timedelta(days=45))


def _approved(
    participant: Participant,
    *,
    manager: Any,
    admin: Any,
    founder: Any,
    today: Any,
    controller: Any,
    accountant: Any,
) -> None:
    award = _award(
        participant,
        manager,
        "1200000.00",
        [("MVP", 20, "600000.00"), ("Первые продажи", 120, "600000.00")],
        today,
        2,
    )
    first = award.tranches.get(number=1)
    _approve(first, admin, controller)


def _clawed_back(
    participant: Participant,
    *,
    manager: Any,
    admin: Any,
    founder: Any,
    today: Any,
    controller: Any,
    accountant: Any,
) -> None:
    award = _award(
        participant,
        manager,
        "1000000.00",
        [("Лабораторные испытания", -40, "500000.00"), ("Сертификация", 60, "500000.00")],
        today,
        3,
    )
    first = award.tranches.get(number=1)
    _approve(first, admin, controller)
    team_member = participant.company.team.filter(acts_for_company=True).first()
    if admin is not None and team_member is not None:
        report = services.grant_report_file(
            milestone=first.milestone,
            actor=team_member.user,
            summary="Испытания пройдены, протоколы испытаний приложены.",
            spending={"equipment": D("350000.00")},
        )
        services.grant_report_review(report=report, actor=manager, accept=True)
        _pay(award, first, accountant, today - timedelta(days=50))
        services.clawback_record(
            award=award,
            actor=manager,
            amount=D("150000.00"),
            reason="Оборудование закуплено дешевле: остаток возвращён.",
            reference="Возврат № 3",
            decided_on=today - timedelta(days=10),
        )


def _cancelled(
    participant: Participant,
    *,
    manager: Any,
    admin: Any,
    founder: Any,
    today: Any,
    controller: Any,
    accountant: Any,
) -> None:
    award = _award(
        participant,
        manager,
        "800000.00",
        [("Прототип", 30, "400000.00"), ("Масштабирование", 150, "400000.00")],
        today,
        4,
    )
    second = award.tranches.get(number=2)
    services.tranche_cancel(
        tranche=second, actor=manager, reason="Этап исключён из проекта решением комиссии."
    )


def _just_awarded(
    participant: Participant,
    *,
    manager: Any,
    admin: Any,
    founder: Any,
    today: Any,
    controller: Any,
    accountant: Any,
) -> None:
    award = _award(
        participant,
        manager,
        "2000000.00",
        [
            ("Исследование рынка", -3, "700000.00"),
            ("Прототип", 60, "700000.00"),
            ("Пилот", 150, "600000.00"),
        ],
        today,
        5,
    )
    team_member = participant.company.team.filter(acts_for_company=True).first()
    if team_member is not None:
        milestone = award.milestones.get(number=1)
        report = services.grant_report_file(
            milestone=milestone,
            actor=team_member.user,
            summary="Проведено 12 интервью с заказчиками.",
            spending={"services": D("120000.00")},
        )
        services.grant_report_review(
            report=report,
            actor=manager,
            accept=False,
            note="Приложите протоколы интервью и договор с исследователем.",
        )
