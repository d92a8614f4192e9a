"""The starting data of the selection journey and the browser helpers it uses.

The data is built with the factories and services, as a park would have it before the journey
starts: a park with a site and a direction, an open residency call with its form and criteria, a
founder with a company, a manager, three experts (one of whom shares the founder's e-mail
domain, so the optimiser must leave them out) and one resident already in the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from technopark.parks.models import Role
from technopark.residency.services import resident_admit
from technopark.selection.models import CallKind, CallStatus, ExpertProfile, FieldKind
from tests.factories import (
    CompanyFactory,
    DirectionFactory,
    MembershipFactory,
    ParkFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.selection.factories import CallFactory, CriterionFactory, FormFieldFactory

PASSWORD = "correct-horse-battery"
TIMEOUT_MS = 15_000


@dataclass
class Journey:
    park: Any
    site: Any
    direction: Any
    call: Any
    fields: dict[str, Any]  # question label → FormField
    criteria: dict[str, Any]  # criterion name → Criterion
    company: Any
    founder: Any
    manager: Any
    experts: list[Any]  # the two experts who should review (users)
    conflicted_expert: Any  # shares the founder's e-mail domain
    other_resident: Any  # a company already in the register, which the search leaves out


def _person(email: str, full_name: str, park: Any, role: str) -> Any:
    user = UserFactory(email=email, full_name=full_name)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    MembershipFactory(park=park, user=user, role=role)
    return user


def build_journey() -> Journey:
    park = ParkFactory(
        slug="yakutia",
        name="Технопарк Якутия",
        name_en="Technopark Yakutia",
        region="14",
        time_zone="Asia/Yakutsk",
    )
    site = SiteFactory(park=park, name="IT-парк", name_en="IT Park")
    direction = DirectionFactory(
        park=park, code="it", name="Информационные технологии", name_en="Information technology"
    )
    # Open for three more weeks whatever the day: the journey never meets the deadline.
    call = CallFactory(
        park=park,
        kind=CallKind.RESIDENCY,
        title="Resident intake",
        status=CallStatus.PUBLISHED,
        site=site,
        opens_at=timezone.now() - timedelta(days=7),
        closes_at=timezone.now() + timedelta(days=21),
        reviews_per_application=2,
    )
    call.directions.add(direction)
    questions = [
        (FieldKind.SHORT_TEXT, "Product name"),
        (FieldKind.MONEY, "Budget for the first year"),
        (FieldKind.DECLARATION, "I accept the park's rules"),
    ]
    fields = {
        label: FormFieldFactory(call=call, kind=kind, label=label, required=True, position=n)
        for n, (kind, label) in enumerate(questions)
    }
    criteria = {
        "Team": CriterionFactory(
            call=call, name="Team", weight=Decimal("2.00"), scale_max=10, position=0
        ),
        "Market": CriterionFactory(
            call=call, name="Market", weight=Decimal("1.00"), scale_max=5, position=1
        ),
    }

    founder = _person("tuyaara@severny-kod.ru", "Туйаара Попова", park, Role.FOUNDER)
    company = CompanyFactory(
        park=park,
        short_name="Северный код",
        legal_name='ООО "Северный код"',
        region="14",
        is_sme=True,
        site=site,
    )
    company.directions.add(direction)
    TeamMemberFactory(company=company, user=founder, position="CEO")
    manager = _person("manager@technopark-yakutia.ru", "Сардана Николаева", park, Role.MANAGER)

    experts = []
    for email, name in (
        ("ivanova@nsu.ru", "Анна Иванова"),
        ("petrov@s-vfu.ru", "Пётр Петров"),
        ("sidorov@severny-kod.ru", "Семён Сидоров"),
    ):
        user = _person(email, name, park, Role.EXPERT)
        profile = ExpertProfile.all_parks.create(park=park, user=user, default_capacity=5)
        profile.directions.set([direction])
        experts.append(user)

    # A resident of long standing, admitted from the paper register: the register lists it too.
    other = CompanyFactory(park=park, short_name="Мерзлота Лаб", legal_name='ООО "Мерзлота Лаб"')
    resident_admit(
        park=park,
        company=other,
        actor=manager,
        agreement_number="РЗ-001",
        start_date=timezone.localdate() - timedelta(days=400),
        site=site,
        directions=[direction],
    )
    return Journey(
        park=park,
        site=site,
        direction=direction,
        call=call,
        fields=fields,
        criteria=criteria,
        company=company,
        founder=founder,
        manager=manager,
        experts=experts[:2],
        conflicted_expert=experts[2],
        other_resident=other,
    )


def new_context(browser: Any, live_server: Any) -> Any:
    """A fresh browser profile that asks for English pages (the checks read English labels)."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return context


def sign_in(browser: Any, live_server: Any, user: Any, next_path: str) -> Any:
    """Sign ``user`` in through the real sign-in page in a fresh profile; return the page,
    arrived at ``next_path``."""
    page = new_context(browser, live_server).new_page()
    page.goto(f"/accounts/login/?next={next_path}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{next_path}")
    return page


def submit(page: Any, button: Any, url: str) -> None:
    """Click a form's button and wait for the page it leads to (``url``, a glob), even when that
    is the page the form is on (a post that redirects back)."""
    with page.expect_navigation(url=url):
        button.click()


def messages_text(page: Any) -> str:
    """The text of the flash messages shown on the page."""
    box = page.locator(".messages")
    return box.inner_text() if box.count() else ""
