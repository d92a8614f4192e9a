"""Plausible companies from a seeded random generator: names, valid INN/OGRN, stages, directions.

Pure functions, no database: the demo seeding writes a couple of hundred of these through the
companies services, the benchmark bulk-inserts tens of thousands. The same seed gives the same
companies on every run and every database.

Registration numbers follow the real layout, so they look right as well as pass the check digits:

- INN of an organisation: region (2) + number (7) + check digit;
- INN of an individual entrepreneur: region (2) + number (8) + two check digits;
- OGRN: sign 1 + year (2) + region (2) + number (7) + check digit;
- OGRNIP: sign 3 + year (2) + region (2) + number (9) + check digit.

Each company gets a distinct ``number``, so INNs never collide within a park.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from technopark.companies.models import Stage
from technopark.companies.validators import inn_check_digits, ogrn_check_digit
from technopark.demo import data

STAGE_ORDER = (Stage.IDEA, Stage.PROTOTYPE, Stage.PRODUCTION, Stage.MARKET)
STAGE_WEIGHTS = (30, 30, 22, 18)

# Russian letters and the Yakut ones (һ, ө, ү, ҥ) in Latin, for website addresses.
_TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "һ": "h",
    "ө": "o",
    "ү": "u",
    "ҥ": "n",
}


def organisation_inn(region: str, number: int) -> str:
    body = f"{region}{number % 10_000_000:07d}"
    return body + inn_check_digits(body)


def entrepreneur_inn(region: str, number: int) -> str:
    body = f"{region}{number % 100_000_000:08d}"
    return body + inn_check_digits(body)


def organisation_ogrn(region: str, year: int, number: int) -> str:
    body = f"1{year % 100:02d}{region}{number % 10_000_000:07d}"
    return body + ogrn_check_digit(body)


def entrepreneur_ogrnip(region: str, year: int, number: int) -> str:
    body = f"3{year % 100:02d}{region}{number % 1_000_000_000:09d}"
    return body + ogrn_check_digit(body)


def transliterate(text: str) -> str:
    """A Latin slug of a Russian (or Yakut) name, for a plausible website address."""
    out = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return "".join(ch for ch in out if ch.isascii() and ch.isalnum())


@dataclass(frozen=True)
class CompanySpec:
    """Everything needed to create one company, with its stage history and direction codes."""

    legal_name: str
    short_name: str
    inn: str
    ogrn: str
    region: str
    stage: str
    founded_on: date
    is_sme: bool
    website: str
    description: str
    started_in_park: bool
    supported_by_park: bool
    site_index: int | None
    direction_codes: tuple[str, ...]
    # Stages the company went through before ``stage``, oldest first (empty: no history kept).
    earlier_stages: tuple[str, ...] = field(default=())


def _person_name(rng: random.Random) -> tuple[str, str]:
    """A full name and its "Surname I. P." form."""
    surname = rng.choice(data.SURNAMES)
    if rng.random() < 0.5:
        first, patronymic, last = (
            rng.choice(data.MALE_FIRST_NAMES),
            rng.choice(data.MALE_PATRONYMICS),
            surname[0],
        )
    else:
        first, patronymic, last = (
            rng.choice(data.FEMALE_FIRST_NAMES),
            rng.choice(data.FEMALE_PATRONYMICS),
            surname[1],
        )
    return f"{last} {first} {patronymic}", f"{last} {first[0]}. {patronymic[0]}."


def _short_name(rng: random.Random, taken: set[str] | None) -> str:
    for _attempt in range(50):
        if rng.random() < 0.1:
            name = rng.choice(data.COINED_NAMES)
        else:
            name = f"{rng.choice(data.NAME_ROOTS)} {rng.choice(data.NAME_ENDINGS)}"
        if taken is None or name not in taken:
            break
    else:  # every combination tried is taken: tell the twins apart with a number
        name = f"{name} {len(taken or ())}"
    if taken is not None:
        taken.add(name)
    return name


def company_specs(
    *,
    count: int,
    seed: int,
    region: str,
    office: str = "35",
    directions: Sequence[data.DirectionData],
    sites: int,
    first_number: int,
    unique_names: bool = True,
    other_regions: Sequence[tuple[str, str]] = data.OTHER_REGIONS,
    other_region_share: float = 0.06,
    entrepreneur_share: float = 0.1,
    today: date | None = None,
) -> Iterator[CompanySpec]:
    """``count`` companies spread over every stage, site and direction, deterministic for ``seed``.

    ``office`` is the tax office of the home ``region`` (the two digits after the region code).
    ``first_number`` and up number the registrations; keep the ranges of two generators writing to
    one park apart. ``unique_names`` keeps short names distinct (set it off for very large parks).
    """
    rng = random.Random(seed)
    home_office = office
    today = today or date(2026, 1, 15)
    taken: set[str] | None = set() if unique_names else None
    tops = [d for d in directions if not d.parent]
    subs = [d for d in directions if d.parent]
    for index in range(count):
        number = first_number + index
        if other_regions and rng.random() < other_region_share:
            company_region, office = rng.choice(other_regions)
        else:
            company_region, office = region, home_office
        founded_on = today - timedelta(days=rng.randint(60, 14 * 365))
        stage = rng.choices(STAGE_ORDER, weights=STAGE_WEIGHTS)[0]
        is_entrepreneur = rng.random() < entrepreneur_share
        if is_entrepreneur:
            full_name, short_person = _person_name(rng)
            short_name = f"ИП {short_person}"
            legal_name = f"Индивидуальный предприниматель {full_name}"
            # The office digits open the number, as in a real INN.
            inn = entrepreneur_inn(company_region, int(office) * 1_000_000 + number)
            ogrn = entrepreneur_ogrnip(company_region, founded_on.year, number)
        else:
            short_name = _short_name(rng, taken)
            form = "АО" if rng.random() < 0.08 else "ООО"
            legal_name = f"{form} «{short_name}»"
            inn = organisation_inn(company_region, int(office) * 100_000 + number)
            ogrn = organisation_ogrn(company_region, founded_on.year, number)
        # Most companies work in IT sub-directions; a few only in a top-level direction.
        chosen: list[data.DirectionData] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            pool = subs if subs and rng.random() < 0.6 else tops
            candidate = rng.choice(pool)
            if candidate not in chosen:
                chosen.append(candidate)
        main = chosen[0].code
        stage_index = STAGE_ORDER.index(stage)
        keep_history = stage_index > 0 and rng.random() < 0.4
        earlier = STAGE_ORDER[rng.randint(0, stage_index - 1) : stage_index] if keep_history else ()
        yield CompanySpec(
            legal_name=legal_name,
            short_name=short_name,
            inn=inn,
            ogrn=ogrn,
            region=company_region,
            stage=stage,
            founded_on=founded_on,
            is_sme=rng.random() < 0.93,
            website=(
                ""
                if is_entrepreneur or rng.random() < 0.3
                else f"https://{transliterate(short_name)}.ru"
            ),
            description=data.DESCRIPTIONS.get(main, data.DESCRIPTIONS["it"]),
            started_in_park=rng.random() < 0.25,
            supported_by_park=rng.random() < 0.6,
            site_index=rng.randrange(sites) if sites and rng.random() < 0.9 else None,
            direction_codes=tuple(d.code for d in chosen),
            earlier_stages=tuple(earlier),
        )
