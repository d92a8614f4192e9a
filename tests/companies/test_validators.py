"""INN, OGRN and OGRNIP check digits, lengths, and the pairing of an INN with its OGRN."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from technopark.companies.validators import (
    inn_check_digits,
    is_valid_inn,
    is_valid_ogrn,
    ogrn_check_digit,
    validate_inn,
    validate_inn_ogrn_pair,
    validate_ogrn,
)

# Public registration numbers of real organisations and an entrepreneur.
SBERBANK_INN = "7707083893"
SBERBANK_OGRN = "1027700132195"
GAZPROM_INN = "7736050003"
GAZPROM_OGRN = "1027700070518"
PERSON_INN = "500100732259"  # 12 digits: a person or an individual entrepreneur
ENTREPRENEUR_OGRNIP = "304500116000157"


# --- Check digits worked out by hand from the algorithm ------------------------------------------


def test_inn10_check_digit_by_hand():
    # 7707083893: weights 2 4 10 3 5 9 4 6 8 over 770708389
    # 14 + 28 + 0 + 21 + 0 + 72 + 12 + 48 + 72 = 267; 267 mod 11 = 3; 3 mod 10 = 3.
    assert inn_check_digits("770708389") == "3"
    # 140000001: 2 + 16 + 8 = 26; 26 mod 11 = 4.
    assert inn_check_digits("140000001") == "4"
    # A remainder of 10 gives check digit 0: 500000000 → 5 * 2 = 10; 10 mod 11 = 10; mod 10 = 0.
    assert inn_check_digits("500000000") == "0"


def test_inn12_check_digits_by_hand():
    # 500100732259, first check digit: weights 7 2 4 10 3 5 9 4 6 8 over 5001007322
    # 35 + 0 + 0 + 10 + 0 + 0 + 63 + 12 + 12 + 16 = 148; 148 mod 11 = 5.
    # Second: weights 3 7 2 4 10 3 5 9 4 6 8 over 50010073225
    # 15 + 0 + 0 + 4 + 0 + 0 + 35 + 27 + 8 + 12 + 40 = 141; 141 mod 11 = 9.
    assert inn_check_digits("5001007322") == "59"


def test_ogrn_check_digits_by_hand():
    # OGRN: the 12-digit body mod 11, then mod 10. 102770013219 = 11 * 9342728474 + 5.
    assert ogrn_check_digit("102770013219") == "5"
    # OGRNIP: the 14-digit body mod 13, then mod 10. 30450011600015 = 13 * 2342308584616 + 7.
    assert ogrn_check_digit("30450011600015") == "7"


def test_check_digit_helpers_refuse_wrong_body_lengths():
    with pytest.raises(ValueError):
        inn_check_digits("12345678")
    with pytest.raises(ValueError):
        ogrn_check_digit("1234567890123")


# --- Good numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("inn", [SBERBANK_INN, GAZPROM_INN, PERSON_INN, "1400000014", "5000000000"])
def test_good_inns(inn):
    assert is_valid_inn(inn)
    validate_inn(inn)  # does not raise


@pytest.mark.parametrize("ogrn", [SBERBANK_OGRN, GAZPROM_OGRN, ENTREPRENEUR_OGRNIP])
def test_good_ogrns(ogrn):
    assert is_valid_ogrn(ogrn)
    validate_ogrn(ogrn)


# --- Bad numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inn", "code"),
    [
        ("7707083894", "inn_check"),  # last digit off by one
        ("7707083839", "inn_check"),  # two digits swapped
        ("500100732258", "inn_check"),  # second check digit wrong
        ("500100732249", "inn_check"),  # first check digit wrong
        ("770708389", "inn_format"),  # 9 digits
        ("77070838930", "inn_format"),  # 11 digits
        ("5001007322590", "inn_format"),  # 13 digits
        ("", "inn_format"),
        ("770708389A", "inn_format"),  # a letter
        ("7707 83893", "inn_format"),  # a space
        ("７７０７０８３８９３", "inn_format"),  # full-width digits are not ASCII digits
    ],
)
def test_bad_inns(inn, code):
    assert not is_valid_inn(inn)
    with pytest.raises(ValidationError) as raised:
        validate_inn(inn)
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("ogrn", "code"),
    [
        ("1027700132194", "ogrn_check"),
        ("304500116000158", "ogrn_check"),
        ("102770013219", "ogrn_format"),  # 12 digits
        ("10277001321955", "ogrn_format"),  # 14 digits
        ("3045001160001570", "ogrn_format"),  # 16 digits
        ("102770013219O", "ogrn_format"),  # the letter O for a zero
        ("", "ogrn_format"),
    ],
)
def test_bad_ogrns(ogrn, code):
    assert not is_valid_ogrn(ogrn)
    with pytest.raises(ValidationError) as raised:
        validate_ogrn(ogrn)
    assert raised.value.code == code


def test_an_ogrnip_is_checked_mod_13_not_mod_11():
    # 30414000000012 = 13 * 2339538461539 + 5, so the OGRNIP ends in 5; mod 11 would give 2.
    assert ogrn_check_digit("30414000000012") == "5"
    assert is_valid_ogrn("304140000000125")
    assert not is_valid_ogrn("304140000000122")


# --- Pairing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inn", "ogrn"), [(SBERBANK_INN, SBERBANK_OGRN), (PERSON_INN, ENTREPRENEUR_OGRNIP)]
)
def test_matching_pairs(inn, ogrn):
    validate_inn_ogrn_pair(inn, ogrn)


def test_an_organisation_with_an_ogrnip_is_refused_at_the_ogrn():
    with pytest.raises(ValidationError) as raised:
        validate_inn_ogrn_pair(SBERBANK_INN, ENTREPRENEUR_OGRNIP)
    assert "13-digit OGRN" in raised.value.message_dict["ogrn"][0]


def test_an_entrepreneur_with_an_ogrn_is_refused_at_the_ogrn():
    with pytest.raises(ValidationError) as raised:
        validate_inn_ogrn_pair(PERSON_INN, SBERBANK_OGRN)
    assert "15-digit OGRNIP" in raised.value.message_dict["ogrn"][0]
