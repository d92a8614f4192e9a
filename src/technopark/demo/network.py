"""Demo network of a park: about sixty mentors from Russia and abroad, investors, corporate and
public customers, partners, and the needs of some companies, through the network's services.

``seed_network(park, accounts=…)``:

* mentors from Yakutsk, Moscow, Novosibirsk, Vladivostok, Kazan, St Petersburg, Kazakhstan,
  Kyrgyzstan, Uzbekistan, Armenia, Germany, Finland, Serbia, India, China, South Korea, the UAE,
  the USA and elsewhere, each in their own time zone, with the languages they speak, the park's
  directions they know and how many companies they can take at once; the demo mentor account
  keeps one of them;
* investors with tickets, stages and instruments; customers (corporate and public buyers) with
  what they look for and a pilot budget; partners;
* open needs of the demo founder's company and of a few others.

Every person is a member of the park with the role their profile needs. Deterministic (a seeded
generator) and idempotent: nothing is made when the park already has network profiles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress

from technopark.accounts.models import User
from technopark.companies.models import Company, TeamMember
from technopark.demo import data
from technopark.network.models import Profile, ProfileKind
from technopark.network.services import profiles as services
from technopark.parks import services as park_services
from technopark.parks.models import Direction, Park, Role
from technopark.parks.rules import access_for

SEED = data.RANDOM_SEED + 13
STAGES = ["idea", "prototype", "production", "market"]
# The demo's network was built on this day (the services take the moment; nothing here reads it).
BUILT = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Place:
    country: str
    time_zone: str
    languages: str
    russian: bool  # writes the headline in Russian
    people: tuple[str, ...]


PLACES = (
    Place(
        "RU",
        "Asia/Yakutsk",
        "ru,sah,en",
        True,
        (
            "Айаал Николаевич Попов",
            "Сардаана Петровна Иванова",
            "Эрчим Васильевич Слепцов",
            "Нюргуяна Семёновна Егорова",
            "Михаил Иннокентьевич Павлов",
        ),
    ),
    Place(
        "RU",
        "Europe/Moscow",
        "ru,en",
        True,
        (
            "Андрей Викторович Соколов",
            "Екатерина Андреевна Морозова",
            "Дмитрий Олегович Волков",
            "Ольга Сергеевна Лебедева",
            "Илья Маркович Кац",
        ),
    ),
    Place(
        "RU",
        "Europe/Moscow",
        "ru,en,fi",
        True,
        (
            "Алексей Николаевич Смирнов",
            "Мария Дмитриевна Орлова",
            "Константин Ильич Зайцев",
        ),
    ),
    Place(
        "RU",
        "Asia/Krasnoyarsk",
        "ru,en",
        True,
        (
            "Евгений Павлович Громов",
            "Татьяна Викторовна Руденко",
        ),
    ),
    Place(
        "RU",
        "Asia/Novosibirsk",
        "ru,en",
        True,
        (
            "Павел Юрьевич Кузнецов",
            "Анна Игоревна Белова",
            "Григорий Львович Шапиро",
        ),
    ),
    Place(
        "RU",
        "Asia/Vladivostok",
        "ru,en,zh",
        True,
        (
            "Артём Евгеньевич Ким",
            "Наталья Владимировна Цой",
            "Виталий Сергеевич Пак",
        ),
    ),
    Place(
        "RU",
        "Europe/Moscow",
        "ru,tt,en",
        True,
        (
            "Рустам Ильдарович Хайруллин",
            "Алсу Маратовна Галиева",
        ),
    ),
    Place("RU", "Asia/Yekaterinburg", "ru,ba,en", True, ("Азат Рамилевич Валиев",)),
    Place("RU", "Asia/Irkutsk", "ru,mn,en", True, ("Баир Цыренович Дашиев",)),
    Place(
        "KZ",
        "Asia/Almaty",
        "kk,ru,en",
        True,
        (
            "Ержан Бауыржанович Нурланов",
            "Айгерим Серикқызы Ахметова",
            "Тимур Касымович Сейтказиев",
        ),
    ),
    Place("KG", "Asia/Bishkek", "ky,ru,en", True, ("Нурбек Алмазбекович Токтогулов",)),
    Place(
        "UZ",
        "Asia/Tashkent",
        "uz,ru,en",
        True,
        (
            "Шохрух Фарходович Юсупов",
            "Дилноза Рустамовна Каримова",
        ),
    ),
    Place("AM", "Asia/Yerevan", "hy,ru,en", True, ("Арам Гагикович Саргсян",)),
    Place("BY", "Europe/Minsk", "be,ru,en", True, ("Алесь Иванович Кравченко",)),
    Place("RS", "Europe/Belgrade", "sr,en,ru", False, ("Milan Jovanović", "Ana Petrović")),
    Place(
        "DE",
        "Europe/Berlin",
        "de,en,ru",
        False,
        (
            "Katrin Weber",
            "Jonas Fischer",
            "Alexander Bauer",
        ),
    ),
    Place("FI", "Europe/Helsinki", "fi,en", False, ("Mikko Virtanen", "Laura Korhonen")),
    Place("FR", "Europe/Paris", "fr,en", False, ("Claire Dubois",)),
    Place("TR", "Europe/Istanbul", "tr,en", False, ("Emre Yıldız",)),
    Place("AE", "Asia/Dubai", "ar,en,ru", False, ("Omar Al Mansouri", "Layla Haddad")),
    Place(
        "IN",
        "Asia/Kolkata",
        "hi,en",
        False,
        (
            "Priya Raghunathan",
            "Arjun Mehta",
            "Vikram Iyer",
        ),
    ),
    Place("CN", "Asia/Shanghai", "zh,en,ru", False, ("Wang Lei", "Li Na", "Zhang Wei")),
    Place("KR", "Asia/Seoul", "ko,en", False, ("Kim Min-jun", "Park Ji-woo")),
    Place("JP", "Asia/Tokyo", "ja,en", False, ("Sato Haruki",)),
    Place("VN", "Asia/Ho_Chi_Minh", "vi,en,ru", False, ("Nguyen Thi Lan",)),
    Place("BR", "America/Sao_Paulo", "pt,en", False, ("Rafael Oliveira",)),
    Place("US", "America/New_York", "en,ru", False, ("Michael Grant", "Sarah Levin")),
    Place("US", "America/Los_Angeles", "en", False, ("David Chen", "Emily Novak")),
    Place("GB", "Europe/London", "en", False, ("James Whitfield",)),
)

# (Russian headline, English headline, organisation kind) by the park's direction code.
EXPERTISE = {
    "it": (
        "Архитектура ИТ-продуктов и найм первой команды",
        "Building IT products and the first team",
    ),
    "energy-saving": (
        "Энергоаудит и энергосервисные контракты",
        "Energy audits and performance contracts",
    ),
    "construction": (
        "Цифровое строительство и BIM на вечной мерзлоте",
        "Digital construction and BIM on permafrost",
    ),
    "biotech": (
        "Вывод биотехнологий из лаборатории на рынок",
        "Taking biotech from the lab to the market",
    ),
    "transport": (
        "Логистика Севера и беспилотная доставка",
        "Northern logistics and drone delivery",
    ),
    "production": (
        "Бережливое производство и запуск серии",
        "Lean manufacturing and first production runs",
    ),
    "it-mobile-games": (
        "Мобильные игры: геймдизайн и монетизация",
        "Mobile games: design and monetisation",
    ),
    "it-robotics": (
        "Робототехника и промышленная автоматизация",
        "Robotics and industrial automation",
    ),
    "it-vr-ar": ("VR/AR-тренажёры для промышленности", "VR/AR training for industry"),
    "it-cloud": (
        "Облачная архитектура и DevOps для стартапов",
        "Cloud architecture and DevOps for start-ups",
    ),
    "it-wireless": (
        "Связь в удалённых посёлках: LoRaWAN и спутник",
        "Connectivity for remote settlements",
    ),
    "it-education": (
        "EdTech: от пилота в школе до продаж в регионы",
        "EdTech: from a school pilot to regional sales",
    ),
    "it-medicine": ("Цифровая медицина и телемедицина", "Digital health and telemedicine"),
    "it-iot": ("Интернет вещей в ЖКХ и энергетике", "IoT for utilities and energy"),
    "it-blockchain": ("Блокчейн для цепочек поставок", "Blockchain for supply chains"),
    "it-bioinformatics": (
        "Биоинформатика и анализ геномных данных",
        "Bioinformatics and genomic data",
    ),
    "it-statistics": (
        "Анализ данных и машинное обучение в продукте",
        "Data science and machine learning in products",
    ),
}
EXTRA_RU = (
    "выход на зарубежные рынки",
    "привлечение первых инвестиций",
    "продажи крупным заказчикам",
    "продуктовая стратегия",
    "юнит-экономика и финансовая модель",
    "патентование и защита ИС",
)
EXTRA_EN = (
    "going international",
    "raising a first round",
    "enterprise sales",
    "product strategy",
    "unit economics",
    "patents and IP",
)
ORGANISATIONS_RU = (
    "Сбер",
    "Яндекс",
    "АЛРОСА",
    "Ростелеком",
    "СВФУ",
    "Сколтех",
    "Касперский",
    "собственная компания",
)
ORGANISATIONS_EN = (
    "Siemens",
    "Nokia",
    "Infosys",
    "Huawei",
    "Samsung",
    "a venture studio",
    "own consultancy",
    "Mubadala",
)
POSITIONS_RU = (
    "основатель",
    "технический директор",
    "партнёр",
    "директор по продукту",
    "профессор",
)
POSITIONS_EN = ("founder", "CTO", "partner", "head of product", "professor")

INVESTORS = (
    (
        "Фонд развития инноваций Якутии",
        "Венчурный фонд ранних стадий Дальнего Востока",
        "RU",
        "Asia/Yakutsk",
        "ru,en",
        "idea,prototype",
        "3000000",
        "30000000",
        "доля в капитале, конвертируемый заём",
    ),
    (
        "Sever Ventures",
        "Посевные инвестиции в промышленные технологии Севера",
        "RU",
        "Europe/Moscow",
        "ru,en",
        "prototype,production",
        "10000000",
        "100000000",
        "доля в капитале",
    ),
    (
        "Бизнес-ангел Сергей Миронов",
        "Бизнес-ангел: EdTech и медицина",
        "RU",
        "Asia/Novosibirsk",
        "ru",
        "idea,prototype",
        "500000",
        "5000000",
        "доля в капитале, SAFE",
    ),
    (
        "Steppe Capital",
        "Early-stage fund for Central Asia and the Russian Far East",
        "KZ",
        "Asia/Almaty",
        "kk,ru,en",
        "prototype,production",
        "15000000",
        "150000000",
        "equity, convertible notes",
    ),
    (
        "Gulf Frontier Partners",
        "Growth capital for energy and logistics technology",
        "AE",
        "Asia/Dubai",
        "ar,en",
        "production,market",
        "50000000",
        "500000000",
        "equity",
    ),
    (
        "Harbin Bridge Fund",
        "Cross-border fund for Russian–Chinese hardware start-ups",
        "CN",
        "Asia/Shanghai",
        "zh,ru,en",
        "prototype,production",
        "20000000",
        "200000000",
        "equity, revenue share",
    ),
    (
        "Корпоративный фонд «Северсталь Инновации»",
        "Корпоративные инвестиции в промышленный ИИ",
        "RU",
        "Europe/Moscow",
        "ru,en",
        "production,market",
        "30000000",
        "300000000",
        "доля в капитале, пилот с последующей покупкой",
    ),
    (
        "Nordic Arctic Angels",
        "Angel syndicate for Arctic technology",
        "FI",
        "Europe/Helsinki",
        "fi,en",
        "idea,prototype",
        "1000000",
        "10000000",
        "equity, SAFE",
    ),
)

CUSTOMERS = (
    (
        "АЛРОСА",
        "Цифровизация горнодобывающего производства",
        "Системы предиктивного обслуживания техники, компьютерное зрение на обогатительных фабриках.",
        "15000000",
    ),
    (
        "Министерство здравоохранения Республики Саха (Якутия)",
        "Телемедицина для отдалённых улусов",
        "Телеконсультации, удалённый мониторинг пациентов, медицинские информационные системы.",
        "8000000",
    ),
    (
        "ПАО «Якутскэнерго»",
        "Энергоэффективность и учёт в изолированных энергосистемах",
        "Интеллектуальный учёт, гибридные дизель-солнечные станции, прогноз нагрузки.",
        "12000000",
    ),
    (
        "Аэропорт «Якутск»",
        "Логистика и безопасность аэропорта",
        "Беспилотный мониторинг периметра, учёт грузов, пассажирские сервисы.",
        "5000000",
    ),
    (
        "Министерство образования Республики Саха (Якутия)",
        "Цифровые сервисы для школ",
        "Дистанционное обучение в малокомплектных школах, VR-лаборатории, олимпиадная подготовка.",
        "6000000",
    ),
    (
        "ООО «Северная строительная компания»",
        "Строительство на мерзлоте",
        "Мониторинг температуры грунтов, BIM, энергоэффективные ограждающие конструкции.",
        "4000000",
    ),
)

PARTNERS = (
    ("Северо-Восточный федеральный университет", "Партнёр: лаборатории, студенты и стажировки"),
    ("Корпорация развития Республики Саха (Якутия)", "Партнёр: меры поддержки и субсидии"),
    ("Arctic Innovation Network", "Partner: pilots and events across the Arctic"),
)

NEEDS = (
    (ProfileKind.MENTOR, "Ищем наставника по выходу на рынки Казахстана и Узбекистана.", "ru,en"),
    (ProfileKind.INVESTOR, "Привлекаем посевной раунд 15 млн ₽ на серийное производство.", "ru"),
    (ProfileKind.CUSTOMER, "Ищем промышленного заказчика для пилота системы мониторинга.", "ru"),
    (ProfileKind.EXPERT, "Нужна экспертиза по сертификации медицинского ПО.", "ru"),
    (ProfileKind.MENTOR, "Нужен наставник по облачной архитектуре и DevOps.", "ru,en"),
    (ProfileKind.PARTNER, "Ищем университет-партнёра для совместных исследований.", "ru"),
)


def _email(local: str) -> str:
    return f"{local}@network.{data.DEMO_EMAIL_DOMAIN}"


def _person(park: Park, email: str, full_name: str, role: str) -> User:
    """A member of ``park`` with ``role`` (made when missing), with a verified address; network
    people other than the demo accounts have no password (they do not sign in)."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=full_name)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    park_services.membership_grant(park=park, user=user, role=role)
    return user


def _directions(park: Park) -> dict[str, Direction]:
    return {direction.code: direction for direction in Direction.all_parks.filter(park=park)}


def _mentor_specs() -> list[tuple[Place, str]]:
    """Every mentor with their place; the first (of Yakutsk) is the demo mentor account's."""
    return [(place, name) for place in PLACES for name in place.people]


def seed_network(park: Park, *, accounts: dict[str, Any]) -> None:
    if Profile.all_parks.filter(park=park).exists():
        return
    rng = random.Random(SEED)
    staff = access_for(accounts["manager"], park)
    directions = _directions(park)
    codes = sorted(code for code in EXPERTISE if code in directions) or sorted(directions)

    def create(user: User, kind: str, values: dict[str, Any], chosen: list[str]) -> None:
        services.profile_create(
            access=staff,
            user=user,
            kind=kind,
            values=values,
            directions=[directions[code].pk for code in chosen if code in directions],
            now=BUILT,
        )

    for number, (place, name) in enumerate(_mentor_specs(), start=1):
        main = rng.choice(codes)
        chosen = sorted({main, *rng.sample(codes, rng.randint(0, 2))})
        ru, en = EXPERTISE.get(main, ("Наставник стартапов", "Start-up mentor"))
        if place.russian:
            headline = f"{ru}; {rng.choice(EXTRA_RU)}"
            organisation = rng.choice(ORGANISATIONS_RU)
            position = rng.choice(POSITIONS_RU)
        else:
            headline = f"{en}; {rng.choice(EXTRA_EN)}"
            organisation = rng.choice(ORGANISATIONS_EN)
            position = rng.choice(POSITIONS_EN)
        user = (
            accounts["mentor"]
            if number == 1 and "mentor" in accounts
            else _person(park, _email(f"mentor{number:02d}"), name, Role.MENTOR)
        )
        create(
            user,
            ProfileKind.MENTOR,
            {
                "headline": headline[:200],
                "organisation": organisation,
                "position": position,
                "bio": f"{ru}. {en}.",
                "country": place.country,
                "time_zone": place.time_zone,
                "languages": place.languages,
                "stages": ",".join(sorted(rng.sample(STAGES, 2))),
                "capacity_mentees": rng.randint(1, 5),
                "hours_per_month": rng.choice((4, 6, 8, 10)),
                "intros_per_month": rng.choice((3, 5, 8)),
                "phone": (
                    f"+7 914 {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
                    if place.country == "RU"
                    else ""
                ),
            },
            chosen,
        )

    for number, (org, headline, country, zone, languages, stages, low, high, tools) in enumerate(
        INVESTORS, start=1
    ):
        user = (
            accounts["investor"]
            if number == 1 and "investor" in accounts
            else _person(park, _email(f"investor{number:02d}"), org, Role.INVESTOR)
        )
        create(
            user,
            ProfileKind.INVESTOR,
            {
                "headline": headline,
                "organisation": org,
                "country": country,
                "time_zone": zone,
                "languages": languages,
                "stages": stages,
                "ticket_min": Decimal(low),
                "ticket_max": Decimal(high),
                "instruments": tools,
            },
            rng.sample(codes, 3),
        )

    for number, (org, headline, needs, budget) in enumerate(CUSTOMERS, start=1):
        user = (
            accounts["customer"]
            if number == 1 and "customer" in accounts
            else _person(park, _email(f"customer{number:02d}"), org, Role.CUSTOMER)
        )
        create(
            user,
            ProfileKind.CUSTOMER,
            {
                "headline": headline,
                "organisation": org,
                "country": "RU",
                "time_zone": "Asia/Yakutsk",
                "languages": "ru",
                "needs": needs,
                "pilot_budget": Decimal(budget),
            },
            rng.sample(codes, 2),
        )

    for number, (org, headline) in enumerate(PARTNERS, start=1):
        user = (
            accounts["partner"]
            if number == 1 and "partner" in accounts
            else _person(park, _email(f"partner{number:02d}"), org, Role.PARTNER)
        )
        create(
            user,
            ProfileKind.PARTNER,
            {
                "headline": headline,
                "organisation": org,
                "country": "FI" if "Arctic" in org else "RU",
                "time_zone": "Europe/Helsinki" if "Arctic" in org else "Asia/Yakutsk",
                "languages": "en,fi" if "Arctic" in org else "ru,sah,en",
            },
            rng.sample(codes, 2),
        )

    _seed_needs(park, staff=staff, accounts=accounts, directions=directions, codes=codes, rng=rng)


def _seed_needs(
    park: Park,
    *,
    staff: Any,
    accounts: dict[str, Any],
    directions: dict[str, Direction],
    codes: list[str],
    rng: random.Random,
) -> None:
    founder_company_ids = list(
        TeamMember.objects.filter(user=accounts.get("founder"), company__park=park).values_list(
            "company_id", flat=True
        )
    )
    others = list(
        Company.all_parks.filter(park=park).exclude(pk__in=founder_company_ids).order_by("pk")[:4]
    )
    companies = list(Company.all_parks.filter(pk__in=founder_company_ids)) + others
    for index, (seeking, summary, languages) in enumerate(NEEDS):
        if not companies:
            return
        company = companies[index % len(companies)]
        services.need_create(
            access=staff,
            company=company,
            seeking=seeking,
            summary=summary,
            directions=[directions[code].pk for code in rng.sample(codes, 2)],
            languages=languages,
            now=BUILT,
        )
