"""Demo: an open residency call and an open programme-intake call of a park, with their forms
and criteria, and applications of demo companies in every applicant-side state (draft,
submitted, more information requested, withdrawn). Idempotent: calls are found by title, and a
company that already applied to a call is left as it is."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from technopark.companies.models import Company, TeamMember
from technopark.parks.models import Direction, Park
from technopark.selection.models import Application, Call, CallKind, FieldKind
from technopark.selection.services import applications as app_services
from technopark.selection.services import calls as call_services
from technopark.selection.services import drafts as draft_services

RESIDENCY_TITLE = "Резидентство в IT-парке — 2026"
PROGRAMME_TITLE = "Акселератор «Полярный старт»: набор 2026"

QUESTIONS = [
    (FieldKind.LONG_TEXT, "Опишите проект и продукт", True, ""),
    (FieldKind.NUMBER, "Сколько человек в команде", True, ""),
    (FieldKind.MONEY, "Выручка за последний год, ₽", False, ""),
    (FieldKind.MONEY, "Сколько инвестиций нужно, ₽", True, ""),
    (FieldKind.DATE, "Когда планируете выйти на рынок", False, ""),
    (FieldKind.CHOICE, "Стадия продукта", True, "Идея\nПрототип\nПервые продажи\nМасштабирование"),
    (FieldKind.MULTI_CHOICE, "Рынки", False, "Якутия\nРоссия\nСНГ\nАзия"),
    (FieldKind.FILE, "Презентация проекта", False, ""),
    (FieldKind.DECLARATION, "Согласен с правилами отбора", True, ""),
]
CRITERIA = [
    ("Команда", "Опыт и полнота команды", Decimal("2.00")),
    ("Рынок", "Размер и доступность рынка", Decimal("1.50")),
    ("Технология", "Новизна и готовность технологии", Decimal("1.00")),
]


def _user(accounts: dict[str, Any], name: str) -> Any:
    return accounts.get(name) or accounts.get(f"{name}@demo.technopark")


def _ensure_call(park: Park, manager: Any, *, kind: str, title: str, days_left: int) -> Call:
    call = Call.all_parks.filter(park=park, title=title).first()
    if call is not None:
        return call
    now = timezone.now()
    call = call_services.call_create(
        park=park,
        actor=manager,
        kind=kind,
        title=title,
        description="Демонстрационный отбор: заполните анкету, данные компании подставятся сами.",
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=days_left),
        directions=list(Direction.all_parks.filter(park=park, parent__isnull=True)[:3]),
        reviews_per_application=2,
    )
    for kind_, label, required, options in QUESTIONS:
        call_services.form_field_add(
            call=call, actor=manager, kind=kind_, label=label, required=required, options=options
        )
    for name, description, weight in CRITERIA:
        call_services.criterion_add(
            call=call, actor=manager, name=name, description=description, weight=weight
        )
    return call_services.call_publish(call=call, actor=manager)


def _fill(application: Application, actor: Any, n: int) -> None:
    fields = {f.label: f for f in application.call.fields.all()}
    directions = None
    if not application.directions.exists():
        directions = list(application.call.directions.all()[:1])
    draft_services.application_save(
        application=application,
        actor=actor,
        directions=directions,
        title=f"Проект {application.company.short_name}",
        answers={
            fields["Опишите проект и продукт"].pk: "Платформа для северных предприятий.",
            fields["Сколько человек в команде"].pk: str(3 + n),
            fields["Сколько инвестиций нужно, ₽"].pk: str(500_000 * (n + 1)),
            fields["Стадия продукта"].pk: n % 4,
            fields["Согласен с правилами отбора"].pk: True,
        },
    )


def _actor_for(company: Company, fallback: Any) -> Any:
    member = (
        TeamMember.objects.filter(company=company, acts_for_company=True)
        .select_related("user")
        .first()
    )
    return member.user if member else fallback


@transaction.atomic
def seed_selection_apply(park: Park, *, accounts: dict[str, Any]) -> None:
    manager = _user(accounts, "manager")
    residency = _ensure_call(
        park, manager, kind=CallKind.RESIDENCY, title=RESIDENCY_TITLE, days_left=30
    )
    programme = _ensure_call(
        park, manager, kind=CallKind.PROGRAMME, title=PROGRAMME_TITLE, days_left=10
    )
    # Past the first twenty: those become the demo residents (``demo.residency``), and a resident
    # applying for residency would only show a failed check.
    companies = list(Company.all_parks.filter(park=park).order_by("id")[20:32])
    plan = ["draft", "submitted", "submitted", "info_requested", "withdrawn", "submitted"]
    for call, offset in ((residency, 0), (programme, 6)):
        for n, state in enumerate(plan):
            if offset + n >= len(companies):
                break
            company = companies[offset + n]
            if Application.all_parks.filter(call=call, company=company).exists():
                continue
            actor = _actor_for(company, manager)
            application = draft_services.application_start(call=call, company=company, actor=actor)
            _fill(application, actor, n)
            if state == "draft":
                continue
            app_services.application_submit(
                application=application, actor=actor, declares_no_tax_debt=n % 5 != 2
            )
            if state == "info_requested":
                app_services.application_request_info(
                    application=application,
                    actor=manager,
                    message="Приложите, пожалуйста, финансовый план на два года.",
                )
            elif state == "withdrawn":
                app_services.application_withdraw(application=application, actor=actor)
