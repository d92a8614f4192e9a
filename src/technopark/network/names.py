"""Countries and languages named in the reader's language (through Babel's CLDR tables), and the
parsing of the comma-separated code columns (``Profile.languages``, ``Profile.stages``,
``Need.languages``).

Codes are stored, never names: a country is an ISO 3166 alpha-2 code ("RU"), a language an ISO
639-1 or 639-3 code ("ru", "sah"). The tables are built once per language (``functools.cache``).
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

from babel import Locale, UnknownLocaleError
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The languages people in a Russian tech park meet, in the order a form lists their codes.
LANGUAGE_CODES: tuple[str, ...] = (
    "ru",
    "en",
    "sah",
    "zh",
    "de",
    "fr",
    "es",
    "it",
    "ko",
    "ja",
    "kk",
    "ky",
    "uz",
    "tr",
    "ar",
    "hi",
    "pt",
    "be",
    "uk",
    "hy",
    "ka",
    "az",
    "tt",
    "ba",
    "mn",
    "vi",
    "fi",
    "sr",
)

#: The most codes one comma-separated column holds (60 characters of two- and three-letter codes).
MAX_CODES = 12


def _locale(language: str) -> Locale:
    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


@cache
def _countries(language: str) -> dict[str, str]:
    territories = _locale(language).territories
    # Only two-letter country codes: the numeric codes are regions ("001", the world), and
    # "EU", "EZ", "UN", "QO" and "ZZ" are not countries.
    not_countries = {"EU", "EZ", "UN", "QO", "ZZ"}
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in not_countries
    }


@cache
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, named in ``language`` and sorted by name."""
    return tuple(sorted(_countries(language).items(), key=lambda item: item[1].casefold()))


@cache
def _languages(language: str) -> dict[str, str]:
    names = _locale(language).languages
    english = Locale("en").languages
    return {code: names.get(code) or english.get(code) or code for code in LANGUAGE_CODES}


@cache
def language_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of the curated languages, named in ``language`` (capitalised) and sorted by
    name."""
    return tuple(
        sorted(
            ((code, name[:1].upper() + name[1:]) for code, name in _languages(language).items()),
            key=lambda item: item[1].casefold(),
        )
    )


def country_name(code: str, language: str) -> str:
    """The country's name in ``language``; the code itself when it is unknown, "" for none."""
    if not code:
        return ""
    return _countries(language).get(code.upper(), code)


def language_name(code: str, language: str) -> str:
    """The language's name in ``language`` (Babel's whole table, not only the curated list)."""
    if not code:
        return ""
    known = _languages(language).get(code)
    if known is not None:
        return known
    return _locale(language).languages.get(code, code)


def is_country(code: str) -> bool:
    return code in _countries("en")


COUNTRY_CODES = frozenset(_countries("en"))


def parse_codes(text: str, allowed: Collection[str], *, field: str = "codes") -> list[str]:
    """The codes of a comma-separated ``text`` ("ru, en,sah"), trimmed, lower-cased, without
    repeats, in the order written. A code outside ``allowed``, or more than ``MAX_CODES``, raises
    ``ValidationError`` keyed by ``field``."""
    codes: list[str] = []
    for part in text.split(","):
        code = part.strip().lower()
        if not code or code in codes:
            continue
        if code not in allowed:
            raise ValidationError(
                {field: _("Unknown code: %(code)s.") % {"code": code[:20]}}, code="unknown"
            )
        codes.append(code)
    if len(codes) > MAX_CODES:
        raise ValidationError(
            {field: _("Choose at most %(count)d.") % {"count": MAX_CODES}}, code="too_many"
        )
    return codes


def join_codes(codes: Collection[str]) -> str:
    return ",".join(codes)
