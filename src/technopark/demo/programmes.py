"""Demo programmes: the accelerator «Полярный старт» with a running cohort and a finished one.

``seed_programmes(park, users=…)`` writes through ``programmes.services`` (as the demo manager):

* the programme (grant cap 2,000,000 roubles, 10 coworking seats, 12 weeks);
* a running cohort (began 6 weeks ago, ends in 6 weeks) filled from the admitted applications of
  the park's programme-intake call when there are any, else from the park's first companies; the
  demo founder's company always takes part. Companies without a team get one demo team member
  (``team.N@<the company's domain>.demo``, no password: they never sign in), so that attendance has people;
* coworking seats for the first four, the demo mentor matched to the first two;
* the curriculum: the three intensives (technological entrepreneurship, project management,
  presenting to investors and customers), two workshops and weekly office hours, at the cohort's
  site in its time zone; attendance taken for every past session (about 80 % present);
* stage moves: two confirmed (the company's stage history follows), one rejected with a note, and
  the demo founder's proposal waiting for the manager on the dashboard;
* a finished cohort (30 to 18 weeks ago) whose past demo day had five pitches, the demo investor,
  customer and partner and an outside fund as guests, and their feedback (meet, invest, pilot).

Idempotent: when the programme exists the park is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone

from technopark.accounts.models import User
from technopark.companies import services as company_services
from technopark.companies.models import Company, Stage, TeamMember
from technopark.core.localtime import to_utc
from technopark.demo import data
from technopark.demo.generator import transliterate
from technopark.parks import services as park_services
from technopark.parks.models import Park, Role, Site
from technopark.programmes import services
from technopark.programmes.models import (
    Attendee,
    Cohort,
    Participant,
    ParticipantStatus,
    Programme,
    SessionKind,
)
from technopark.programmes.queries import seats_offered, zone_name
from technopark.selection.models import Application, ApplicationStatus, CallKind

logger = logging.getLogger(__name__)

DEMO_DOMAIN = "demo.technopark"
PROGRAMME_NAME = "Акселератор «Полярный старт»"
# Seasons by the month a cohort starts (December belongs to the winter that runs into the next
# year): the adjective names the cohort, the noun dates its demo day.
_SEASONS = {
    12: ("Зимний", "зима"),
    1: ("Зимний", "зима"),
    2: ("Зимний", "зима"),
    3: ("Весенний", "весна"),
    4: ("Весенний", "весна"),
    5: ("Весенний", "весна"),
    6: ("Летний", "лето"),
    7: ("Летний", "лето"),
    8: ("Летний", "лето"),
    9: ("Осенний", "осень"),
    10: ("Осенний", "осень"),
    11: ("Осенний", "осень"),
}


def _season_year(day: date) -> str:
    if day.month == 12:
        return f"{day.year}/{(day.year + 1) % 100:02d}"
    if day.month <= 2:
        return f"{day.year - 1}/{day.year % 100:02d}"
    return str(day.year)


def cohort_name(starts_on: date) -> str:
    """A cohort named for the season and year it starts in, as parks name them: «Осенний поток
    2026», «Зимний поток 2026/27». Derived from the dates, so a demo seeded on any day reads
    right (no spring cohort running in the autumn)."""
    return f"{_SEASONS[starts_on.month][0]} поток {_season_year(starts_on)}"


def season(day: date) -> str:
    """«осень 2025», «зима 2025/26»: when a demo day or an event took place."""
    return f"{_SEASONS[day.month][1]} {_season_year(day)}"


def running_cohort_dates(today: date) -> tuple[date, date]:
    """The running cohort began 6 weeks ago and ends in 6 weeks."""
    return today - timedelta(weeks=6), today + timedelta(weeks=6)


def finished_cohort_dates(today: date) -> tuple[date, date]:
    """The finished cohort ran from 30 to 18 weeks ago."""
    return today - timedelta(weeks=30), today - timedelta(weeks=18)


RUNNING_SIZE = 8
FINISHED_SIZE = 5

# (days from the cohort's start, hour, hours long, kind, title, speaker, room)
CURRICULUM = (
    (
        1,
        10,
        6,
        SessionKind.ENTREPRENEURSHIP,
        "Технологическое предпринимательство: от идеи к продукту",
        "Е. В. Сивцева",
        "Конференц-зал",
    ),
    (
        8,
        10,
        6,
        SessionKind.PROJECT_MANAGEMENT,
        "Управление проектами в стартапе",
        "А. Н. Петров",
        "Конференц-зал",
    ),
    (
        15,
        14,
        3,
        SessionKind.WORKSHOP,
        "Воркшоп: интервью с клиентами",
        "М. С. Лебедева",
        "Ауд. 204",
    ),
    (29, 14, 3, SessionKind.WORKSHOP, "Воркшоп: юнит-экономика", "Н. Д. Степанов", "Ауд. 204"),
    (
        50,
        10,
        6,
        SessionKind.PITCHING,
        "Презентация проекта инвесторам и заказчикам",
        "О. А. Винокуров",
        "Конференц-зал",
    ),
)
OFFICE_HOURS_WEEKS = 12


def _user(users: Any, role: str) -> Any:
    """The demo account for ``role`` whether ``users`` maps e-mails or roles to users."""
    if not users:
        return None
    email = f"{role}@{DEMO_DOMAIN}"
    for key in (email, role):
        if key in users:
            return users[key]
    return None


def _team_member(park: Park, company: Company, n: int) -> None:
    """Give a company without a team one demo person (never signs in)."""
    if TeamMember.objects.filter(company=company).exists():
        return
    # At the company's own domain (a demo one: nobody receives these), with a real-looking name.
    email = f"team.{n}@{_company_domain(company)}"
    person = User.objects.filter(email=email).first()
    if person is None:
        person = User.objects.create_user(email, None, full_name=_team_name(n))
    park_services.membership_grant(park=park, user=person, role=Role.FOUNDER)
    company_services.team_member_add(company=company, user=person, position="Основатель")


def _company_domain(company: Company) -> str:
    host = urlsplit(company.website).hostname or ""
    stem = host.rsplit(".", 1)[0] if "." in host else transliterate(company.short_name)
    return f"{stem or f'company{company.pk}'}.demo"


def _team_name(n: int) -> str:
    surname = data.SURNAMES[n % len(data.SURNAMES)]
    if n % 2:
        first = data.MALE_FIRST_NAMES[n % len(data.MALE_FIRST_NAMES)]
        patronymic = data.MALE_PATRONYMICS[(n * 7) % len(data.MALE_PATRONYMICS)]
        return f"{surname[0]} {first} {patronymic}"
    first = data.FEMALE_FIRST_NAMES[n % len(data.FEMALE_FIRST_NAMES)]
    patronymic = data.FEMALE_PATRONYMICS[(n * 7) % len(data.FEMALE_PATRONYMICS)]
    return f"{surname[1]} {first} {patronymic}"


def _candidates(park: Park, call: Any, founder_company: Company | None, size: int) -> list[Any]:
    """(company, application or None) pairs: admitted applications first, then companies."""
    chosen: list[tuple[Company, Application | None]] = []
    if call is not None:
        for application in Application.all_parks.filter(
            park=park, call=call, status=ApplicationStatus.ADMITTED
        ).select_related("company", "call")[:size]:
            chosen.append((application.company, application))
    taken = {company.pk for company, _a in chosen}
    extra = list(Company.all_parks.filter(park=park).order_by("id")[: size * 3])
    if founder_company is not None and founder_company.pk not in taken:
        chosen.insert(0, (founder_company, None))
        taken.add(founder_company.pk)
    for company in extra:
        if len(chosen) >= size:
            break
        if company.pk not in taken:
            chosen.append((company, None))
            taken.add(company.pk)
    return chosen[:size]


def _at(day: Any, hour: int, zone: str) -> datetime:
    return to_utc(datetime.combine(day, time(hour)), zone=zone, field="starts_at")


def _fill(cohort: Cohort, manager: Any, entries: list[Any]) -> list[Participant]:
    with_applications = [a for _c, a in entries if a is not None]
    made = []
    if with_applications:
        made += services.cohort_fill(cohort=cohort, actor=manager, applications=with_applications)
    others = [(c, None) for c, a in entries if a is None]
    if others:
        made += services.cohort_fill_companies(cohort=cohort, actor=manager, entries=others)
    return made


def _next_stage(stage: str) -> str | None:
    values = list(Stage.values)
    index = values.index(stage)
    return values[index + 1] if index + 1 < len(values) else None


def seed_programmes(park: Park, *, users: Any = None, accounts: Any = None) -> None:
    """Create the demo programme of ``park`` unless it exists (see the module docstring)."""
    users = users if users is not None else accounts
    if Programme.all_parks.filter(park=park, name=PROGRAMME_NAME).exists():
        return
    manager = _user(users, "manager")
    founder = _user(users, "founder")
    mentor = _user(users, "mentor")
    site = Site.all_parks.filter(park=park).order_by("id").first()
    founder_company = (
        Company.all_parks.filter(park=park, team__user=founder).order_by("id").first()
        if founder is not None
        else None
    )
    from technopark.selection.models import Call

    call = Call.all_parks.filter(park=park, kind=CallKind.PROGRAMME).order_by("-opens_at").first()
    it = [d for d in park.directions.all() if d.code.startswith("it")][:1]
    programme = services.programme_create(
        park=park,
        actor=manager,
        name=PROGRAMME_NAME,
        description=(
            "Трёхмесячная акселерационная программа: место в коворкинге, менторы, интенсивы по "
            "технологическому предпринимательству, управлению проектами и презентации проекта, "
            "демо-день перед инвесторами и заказчиками и грант до 2 000 000 рублей."
        ),
        coworking_seats=10,
        length_weeks=12,
        directions=it,
    )
    starts_on, ends_on = running_cohort_dates(timezone.localdate())
    running = services.cohort_create(
        programme=programme,
        actor=manager,
        name=cohort_name(starts_on),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=12,
        site=site,
        intake_call=call,
    )
    entries = _candidates(park, call, founder_company, RUNNING_SIZE)
    for n, (company, _a) in enumerate(entries, start=1):
        _team_member(park, company, n)
    participants = _fill(running, manager, entries)
    for index, participant in enumerate(participants[:4]):
        services.participant_set_seat(participant=participant, seat=f"Коворкинг, стол {index + 1}")
    # A real coworking seat for the first participant: a desk held for the rest of the cohort,
    # when spaces (seeded before) has one free for all of it.
    if seats_offered() and participants:
        try:
            services.participant_seat_allocate(participant=participants[0], actor=manager)
        except ValidationError as error:
            logger.info("demo: no coworking seat for the first participant: %s", error.messages)
    if mentor is not None:
        for participant in participants[:2]:
            services.participant_set_mentors(participant=participant, mentors=[mentor])

    # The curriculum, in the site's time zone; attendance for every past session.
    zone = zone_name(site=site, cohort=running)
    now = timezone.now()
    attendees = list(
        Attendee.objects.filter(participant__cohort=running).order_by("participant_id", "id")
    )
    plan = [
        (running.starts_on + timedelta(days=day), hour, length, kind, title, speaker, room)
        for day, hour, length, kind, title, speaker, room in CURRICULUM
    ] + [
        (
            running.starts_on + timedelta(days=3 + 7 * week),
            16,
            2,
            SessionKind.OFFICE_HOURS,
            "Офис-часы с менторами",
            "Менторы программы",
            "Переговорная",
        )
        for week in range(OFFICE_HOURS_WEEKS)
    ]
    for number, (day, hour, length, kind, title, speaker, room) in enumerate(plan):
        starts = _at(day, hour, zone)
        session = services.session_create(
            cohort=running,
            actor=manager,
            kind=kind,
            title=title,
            speaker=speaker,
            site=site,
            room=room,
            starts_at=starts,
            ends_at=starts + timedelta(hours=length),
        )
        if starts < now and attendees:
            marks = {a.pk: (a.pk + number) % 5 != 0 for a in attendees}
            services.attendance_record(session=session, actor=manager, marks=marks)

    # Stage moves: two confirmed, one rejected, the demo founder's waiting.
    movers = [p for p in participants if _next_stage(p.company.stage)]
    founder_participant = next(
        (p for p in participants if founder_company and p.company_id == founder_company.pk), None
    )
    others = [p for p in movers if p is not founder_participant]
    for index, participant in enumerate(others[:3]):
        to_stage = _next_stage(participant.company.stage)
        if to_stage is None:
            continue
        proposal = services.stage_propose(
            participant=participant,
            actor=manager,
            to_stage=to_stage,
            evidence=(
                "Протокол испытаний прототипа и видео демонстрации"
                if index < 2
                else "Письмо о намерениях от заказчика"
            ),
        )
        try:
            services.stage_decide(
                proposal=proposal,
                actor=manager,
                confirm=index < 2,
                note="" if index < 2 else "Нужен подписанный договор, а не письмо о намерениях.",
            )
        except ValidationError:  # pragma: no cover - demo data only
            logger.warning("demo stage decision skipped for %s", participant)
    if founder_participant is not None:
        to_stage = _next_stage(founder_participant.company.stage)
        if to_stage is not None:
            services.stage_propose(
                participant=founder_participant,
                actor=founder,
                to_stage=to_stage,
                evidence="Прототип работает у трёх пилотных клиентов: ссылки на отчёты в приложении.",
            )

    _seed_finished_cohort(
        park, programme, manager, site, users, exclude={c.pk for c, _a in entries}
    )


def _seed_finished_cohort(
    park: Park, programme: Programme, manager: Any, site: Any, users: Any, exclude: set[int]
) -> None:
    """An earlier cohort: graduated, with its past demo day and the guests' feedback."""
    starts_on, ends_on = finished_cohort_dates(timezone.localdate())
    finished = services.cohort_create(
        programme=programme,
        actor=manager,
        name=cohort_name(starts_on),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=10,
        site=site,
    )
    companies = [
        c
        for c in Company.all_parks.filter(park=park).order_by("-id")[: FINISHED_SIZE * 3]
        if c.pk not in exclude
    ][:FINISHED_SIZE]
    if not companies:  # a demo park too small for a second cohort (the tests' small demos)
        return
    participants = services.cohort_fill_companies(
        cohort=finished, actor=manager, entries=[(c, None) for c in companies]
    )
    zone = zone_name(site=site, cohort=finished)
    demo_day = services.demo_day_save(
        cohort=finished,
        actor=manager,
        title=f"Демо-день «Полярного старта», {season(finished.ends_on)}",
        starts_at=_at(finished.ends_on, 15, zone),
        minutes_per_pitch=12,
        site=site,
        room="Конференц-зал",
    )
    pitches = services.demo_day_set_order(
        demo_day=demo_day, participant_ids=[p.pk for p in participants]
    )
    guests = []
    for role in ("investor", "customer", "partner"):
        person = _user(users, role)
        if person is not None:
            guests.append(services.guest_invite(demo_day=demo_day, user=person))
    guests.append(
        services.guest_invite(
            demo_day=demo_day,
            name="Фонд «Северный венчур»",
            organisation="Северный венчур",
            kind="investor",
        )
    )
    notes = (
        "Готовы обсудить раунд pre-seed, пришлите финансовую модель.",
        "Интересен пилот на нашем предприятии в Мирном.",
        "Хотим познакомить с нашими клиентами в Якутске.",
        "",
    )
    for g_index, guest in enumerate(guests):
        for p_index, pitch in enumerate(pitches):
            if (p_index + g_index) % 3 == 2:
                continue
            services.feedback_record(
                guest=guest,
                pitch=pitch,
                meet=(p_index + g_index) % 2 == 0,
                invest=guest.kind == "investor" and p_index % 2 == 0,
                pilot=guest.kind == "customer" and p_index % 3 != 1,
                note=notes[g_index % len(notes)] if p_index == 0 else "",
            )
    for participant in participants:
        services.participant_set_status(participant=participant, status=ParticipantStatus.GRADUATED)
