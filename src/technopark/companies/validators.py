"""Russian taxpayer and registration numbers with their check digits.

INN: 10 digits for an organisation (one check digit), 12 for a person or an individual entrepreneur
(two check digits). OGRN: 13 digits for an organisation; OGRNIP: 15 digits for an individual
entrepreneur. Each check digit is computed from the digits before it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _weighted_check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def inn_check_digits(body: str) -> str:
    """The check digit(s) that complete a 9-digit (organisation) or 10-digit (person) INN body."""
    if len(body) == 9:
        return str(_weighted_check(body, _INN10_WEIGHTS))
    if len(body) == 10:
        first = str(_weighted_check(body, _INN12_WEIGHTS_1))
        return first + str(_weighted_check(body + first, _INN12_WEIGHTS_2))
    raise ValueError("An INN body has 9 or 10 digits.")


def ogrn_check_digit(body: str) -> str:
    """The check digit that completes a 12-digit OGRN body or a 14-digit OGRNIP body."""
    if len(body) == 12:
        return str(int(body) % 11 % 10)
    if len(body) == 14:
        return str(int(body) % 13 % 10)
    raise ValueError("An OGRN body has 12 digits, an OGRNIP body 14.")


def _digits(value: str) -> bool:
    # str.isdigit alone accepts other scripts' digits (full-width, Arabic-Indic, …).
    return value.isascii() and value.isdigit()


def is_valid_inn(value: str) -> bool:
    if not _digits(value) or len(value) not in (10, 12):
        return False
    body = value[:9] if len(value) == 10 else value[:10]
    return value[len(body) :] == inn_check_digits(body)


def is_valid_ogrn(value: str) -> bool:
    if not _digits(value) or len(value) not in (13, 15):
        return False
    return value[-1] == ogrn_check_digit(value[:-1])


def validate_inn(value: str) -> None:
    if not _digits(value) or len(value) not in (10, 12):
        raise ValidationError(
            _("An INN has 10 digits (organisation) or 12 digits (individual)."), code="inn_format"
        )
    if not is_valid_inn(value):
        raise ValidationError(
            _("This INN's check digit is wrong: please check it."), code="inn_check"
        )


def validate_ogrn(value: str) -> None:
    if not _digits(value) or len(value) not in (13, 15):
        raise ValidationError(
            _("An OGRN has 13 digits; an OGRNIP (individual entrepreneur) has 15."),
            code="ogrn_format",
        )
    if not is_valid_ogrn(value):
        raise ValidationError(
            _("This OGRN's check digit is wrong: please check it."), code="ogrn_check"
        )


def validate_inn_ogrn_pair(inn: str, ogrn: str) -> None:
    """An organisation has a 10-digit INN and an OGRN; an entrepreneur a 12-digit INN and OGRNIP."""
    if len(inn) == 10 and len(ogrn) == 15:
        raise ValidationError(
            {"ogrn": _("An organisation with a 10-digit INN has a 13-digit OGRN, not an OGRNIP.")}
        )
    if len(inn) == 12 and len(ogrn) == 13:
        raise ValidationError(
            {"ogrn": _("An individual entrepreneur with a 12-digit INN has a 15-digit OGRNIP.")}
        )
