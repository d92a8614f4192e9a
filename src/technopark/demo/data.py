"""The demo parks as data: their sites, directions, people and the parts company names are made of.

Names and addresses are invented but plausible; any likeness to a real company is chance. The
seeding code (``technopark.demo.seed``) turns these tables into rows through the apps' services.
"""

from __future__ import annotations

from dataclasses import dataclass

from technopark.parks.models import Role

DEMO_PASSWORD = "demo-park-2026"  # noqa: S105 - the one documented password of the demo accounts
DEMO_EMAIL_DOMAIN = "demo.technopark"
RANDOM_SEED = 2026


@dataclass(frozen=True)
class ParkData:
    slug: str
    name: str
    name_en: str
    region: str
    time_zone: str
    description: str
    description_en: str


@dataclass(frozen=True)
class SiteData:
    name: str
    name_en: str
    address: str
    time_zone: str


@dataclass(frozen=True)
class DirectionData:
    code: str
    name: str
    name_en: str
    parent: str = ""  # the code of the parent direction; empty for a top-level direction


@dataclass(frozen=True)
class AccountData:
    email: str
    full_name: str
    role: str  # a parks.Role value, or "" for a global role only
    park: str  # a park slug, or "" for a global role only
    global_role: str = ""


YAKUTIA = ParkData(
    slug="yakutia",
    name="Технопарк Якутия",
    name_en="Technopark Yakutia",
    region="14",
    time_zone="Asia/Yakutsk",
    description=(
        "Технопарк Якутия помогает превращать идеи в компании: от бизнес-идеи и прототипа до "
        "запуска производства и выхода на рынок. В его составе IT-парк, лаборатория "
        "биотехнологий, региональный инжиниринговый центр и филиал в Нерюнгри. Резиденты "
        "получают рабочие места в коворкинге, доступ к лабораторному и инженерному "
        "оборудованию, наставников, акселерационные программы и гранты до 2 млн рублей."
    ),
    description_en=(
        "Technopark Yakutia helps turn ideas into companies: from a business idea and a prototype "
        "to the start of production and a place in the market. It runs an IT park, a "
        "biotechnology laboratory, a regional engineering centre and a branch in Neryungri. "
        "Residents get coworking desks, laboratory and engineering equipment, mentors, "
        "acceleration programmes and grants of up to 2 million roubles."
    ),
)

YAKUTIA_SITES = (
    SiteData(
        name="Технопарк «Якутия»",
        name_en="Technopark Yakutia main building",
        address="677007, г. Якутск, Сергеляхское шоссе, 10 км, д. 13",
        time_zone="Asia/Yakutsk",
    ),
    SiteData(
        name="IT-парк",
        name_en="IT park",
        address="677000, г. Якутск, ул. Кирова, д. 18, корп. Б",
        time_zone="Asia/Yakutsk",
    ),
    SiteData(
        name="Лаборатория биотехнологий",
        name_en="Biotechnology laboratory",
        address="677010, г. Якутск, ул. Кулаковского, д. 48, лаб. корпус",
        time_zone="Asia/Yakutsk",
    ),
    SiteData(
        name="Региональный инжиниринговый центр",
        name_en="Regional engineering centre",
        address="677018, г. Якутск, ул. Автодорожная, д. 33",
        time_zone="Asia/Yakutsk",
    ),
    SiteData(
        name="Филиал в Нерюнгри",
        name_en="Neryungri branch",
        address="678960, г. Нерюнгри, пр. Дружбы Народов, д. 21",
        time_zone="Asia/Yakutsk",
    ),
)

TOP_DIRECTIONS = (
    DirectionData("it", "Информационные технологии", "Information technology"),
    DirectionData("energy-saving", "Энергосбережение", "Energy saving"),
    DirectionData("construction", "Строительство", "Construction"),
    DirectionData("biotech", "Биотехнологии", "Biotechnology"),
    DirectionData("transport", "Транспорт", "Transport"),
    DirectionData("production", "Организация производства", "Production organisation"),
)

IT_DIRECTIONS = (
    DirectionData("it-mobile-games", "Мобильные приложения и игры", "Mobile apps and games", "it"),
    DirectionData(
        "it-robotics", "Робототехника и ПО для роботов", "Robotics and software for robots", "it"
    ),
    DirectionData(
        "it-vr-ar", "Виртуальная и дополненная реальность", "Virtual and augmented reality", "it"
    ),
    DirectionData("it-cloud", "Облачные технологии", "Cloud technologies", "it"),
    DirectionData("it-wireless", "Беспроводная связь", "Wireless communication", "it"),
    DirectionData("it-education", "IT в образовании", "IT in education", "it"),
    DirectionData("it-medicine", "IT в медицине", "IT in medicine", "it"),
    DirectionData("it-iot", "Интернет вещей", "Internet of Things", "it"),
    DirectionData("it-blockchain", "Блокчейн", "Blockchain", "it"),
    DirectionData("it-bioinformatics", "Биоинформатика", "Bioinformatics", "it"),
    DirectionData(
        "it-statistics", "Статистика и анализ данных", "Statistics and data analysis", "it"
    ),
)

YAKUTIA_DIRECTIONS = TOP_DIRECTIONS + IT_DIRECTIONS

MAGADAN = ParkData(
    slug="magadan",
    name="Технопарк Магадан",
    name_en="Technopark Magadan",
    region="49",
    time_zone="Asia/Magadan",
    description=(
        "Технопарк Магадан поддерживает технологические компании Колымы: горнодобывающие "
        "технологии, энергетику Севера и цифровые сервисы для отдалённых посёлков."
    ),
    description_en=(
        "Technopark Magadan supports the technology companies of Kolyma: mining technology, "
        "northern energy and digital services for remote settlements."
    ),
)

MAGADAN_SITES = (
    SiteData(
        name="Технопарк «Магадан»",
        name_en="Technopark Magadan main building",
        address="685000, г. Магадан, ул. Пролетарская, д. 12",
        time_zone="Asia/Magadan",
    ),
)

MAGADAN_DIRECTIONS = (
    DirectionData("it", "Информационные технологии", "Information technology"),
    DirectionData("energy-saving", "Энергосбережение", "Energy saving"),
    DirectionData("mining-tech", "Технологии горной добычи", "Mining technology"),
)


def _email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


# One account per role of DESIGN §2 in the model park, the two global roles, and the second park's
# manager. The founder acts for the first seeded company (``FOUNDER_COMPANY_INDEX``).
ACCOUNTS = (
    AccountData(_email("admin"), "Аркадий Петрович Саввинов", Role.PARK_ADMIN, "yakutia"),
    AccountData(_email("manager"), "Сардана Ивановна Николаева", Role.MANAGER, "yakutia"),
    AccountData(_email("expert"), "Виктор Семёнович Охлопков", Role.EXPERT, "yakutia"),
    AccountData(_email("mentor"), "Айталина Егоровна Готовцева", Role.MENTOR, "yakutia"),
    AccountData(_email("engineer"), "Николай Дмитриевич Степанов", Role.ENGINEER, "yakutia"),
    AccountData(_email("founder"), "Туйаара Васильевна Попова", Role.FOUNDER, "yakutia"),
    AccountData(_email("partner"), "Олег Андреевич Винокуров", Role.PARTNER, "yakutia"),
    AccountData(_email("investor"), "Марина Сергеевна Лебедева", Role.INVESTOR, "yakutia"),
    AccountData(_email("customer"), "Иннокентий Иванович Федоров", Role.CUSTOMER, "yakutia"),
    AccountData(_email("observer"), "Елена Михайловна Захарова", Role.OBSERVER, "yakutia"),
    AccountData(_email("platform"), "Денис Олегович Романов", "", "", global_role="platform_admin"),
    AccountData(
        _email("national"), "Ольга Павловна Миронова", "", "", global_role="national_observer"
    ),
    AccountData(_email("manager.magadan"), "Игорь Викторович Жуков", Role.MANAGER, "magadan"),
)

FOUNDER_COMPANY_INDEX = 0
FOUNDER_POSITION = "Генеральный директор"

# --- Company names -------------------------------------------------------------------------------
# A short name is a root and an ending ("Лена" + "Софт"), or one of the coined names.
NAME_ROOTS = (
    "Север",
    "Полюс",
    "Якутия",
    "Лена",
    "Алмаз",
    "Тайга",
    "Арктика",
    "Вилюй",
    "Алдан",
    "Колыма",
    "Туймаада",
    "Сахалар",
    "Кэскил",
    "Ысыах",
    "Оймякон",
    "Мерзлота",
    "Сияние",
    "Хатанга",
    "Верхоянск",
    "Олёкма",
)
NAME_ENDINGS = (
    "Код",
    "Софт",
    "Лаб",
    "Дата",
    "Системс",
    "Инжиниринг",
    "Био",
    "Энерго",
    "Строй",
    "Транс",
    "Робот",
    "Сеть",
    "Медтех",
    "Облако",
    "Гео",
    "Агро",
    "Вижн",
    "Тех",
    "Сервис",
    "Ресурс",
)
COINED_NAMES = (
    "Мерзлота Лаб",
    "Кристалл Дата",
    "Айыы Тех",
    "Сиэр Софт",
    "Чолбон",
    "Илин Системс",
    "Тыал Энерго",
    "Хотугу Код",
    "Байанай Гео",
    "Кун Солар",
    "Эйгэ Медиа",
    "Сулус Роботикс",
    "Аартык Транс",
    "Дьоло Финтех",
    "Уйгу Агро",
)

# Who founds the individual entrepreneurs' businesses (ИП), and the demo accounts' names.
MALE_FIRST_NAMES = (
    "Айаал",
    "Айсен",
    "Алексей",
    "Василий",
    "Дмитрий",
    "Иван",
    "Михаил",
    "Николай",
    "Эрчим",
    "Семён",
)
FEMALE_FIRST_NAMES = (
    "Айыына",
    "Анна",
    "Вилюяна",
    "Дария",
    "Евгения",
    "Кюннэй",
    "Мария",
    "Наталья",
    "Сардаана",
    "Туяра",
)
MALE_PATRONYMICS = (
    "Алексеевич",
    "Васильевич",
    "Егорович",
    "Иванович",
    "Николаевич",
    "Петрович",
    "Семёнович",
)
FEMALE_PATRONYMICS = (
    "Алексеевна",
    "Васильевна",
    "Егоровна",
    "Ивановна",
    "Николаевна",
    "Петровна",
    "Семёновна",
)
# Surnames as (masculine, feminine).
SURNAMES = (
    ("Иванов", "Иванова"),
    ("Петров", "Петрова"),
    ("Николаев", "Николаева"),
    ("Попов", "Попова"),
    ("Саввинов", "Саввинова"),
    ("Охлопков", "Охлопкова"),
    ("Винокуров", "Винокурова"),
    ("Готовцев", "Готовцева"),
    ("Слепцов", "Слепцова"),
    ("Посельский", "Посельская"),
    ("Аммосов", "Аммосова"),
    ("Кычкин", "Кычкина"),
    ("Ефимов", "Ефимова"),
    ("Борисов", "Борисова"),
    ("Захаров", "Захарова"),
)

# What a company of a direction does, for the short descriptions (keyed by direction code).
DESCRIPTIONS = {
    "it": "Разрабатывает заказное программное обеспечение для предприятий региона.",
    "energy-saving": "Внедряет энергосберегающие решения для зданий в условиях Крайнего Севера.",
    "construction": "Проектирует быстровозводимые здания на многолетней мерзлоте.",
    "biotech": "Исследует штаммы микроорганизмов, устойчивые к низким температурам.",
    "transport": "Создаёт сервисы логистики для северного завоза и зимников.",
    "production": "Налаживает мелкосерийное производство изделий для горнодобывающей отрасли.",
    "it-mobile-games": "Делает мобильные игры и приложения на якутском и русском языках.",
    "it-robotics": "Разрабатывает роботов и их программное обеспечение для работы на морозе.",
    "it-vr-ar": "Создаёт тренажёры виртуальной реальности для обучения персонала.",
    "it-cloud": "Предоставляет облачную инфраструктуру для компаний Дальнего Востока.",
    "it-wireless": "Строит беспроводные сети связи для отдалённых посёлков.",
    "it-education": "Разрабатывает онлайн-курсы и платформы для сельских школ.",
    "it-medicine": "Разрабатывает сервисы телемедицины для улусных больниц.",
    "it-iot": "Выпускает датчики интернета вещей для мониторинга мерзлоты и теплосетей.",
    "it-blockchain": "Применяет блокчейн для учёта происхождения алмазов и пушнины.",
    "it-bioinformatics": "Анализирует геномные данные северных популяций и культур.",
    "it-statistics": "Строит модели данных и прогнозы для органов власти и бизнеса.",
    "mining-tech": "Разрабатывает системы контроля для золотодобывающих артелей.",
}

# A few companies come from outside the park's region: (region code, tax office digits).
OTHER_REGIONS = (("27", "24"), ("77", "05"), ("25", "36"), ("54", "06"), ("38", "11"))
