"""What a reader sees, in Russian and in English: money, decimals, dates, times, zones, and the
date pickers of every form."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from technopark.core.forms import ServiceErrorsMixin
from technopark.core.localtime import zone_name
from technopark.core.money import format_money

NBSP = "\u00a0"


def _render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template(source).render(Context(context)).replace(NBSP, " ")


@pytest.mark.parametrize(
    ("language", "money", "amount"),
    [("ru", "1 500 000,00 ₽", "1 500 000,00"), ("en", "RUB 1,500,000.00", "1,500,000.00")],
)
def test_money_is_written_as_each_language_writes_it(language, money, amount):
    with translation.override(language):
        assert format_money(Decimal("1500000")).replace(NBSP, " ") == money
    rendered = _render("{% load money %}{{ x|money }}|{{ x|amount }}", language, x="1500000")
    assert rendered == f"{money}|{amount}"


def test_another_currency_keeps_its_code():
    with translation.override("en"):
        assert format_money(Decimal("10"), "USD") == f"USD{NBSP}10.00"
    with translation.override("ru"):
        assert format_money(Decimal("10"), "USD") == f"10,00{NBSP}USD"
        assert format_money(None) == "—"


@pytest.mark.parametrize(("language", "shown"), [("ru", "2,00"), ("en", "2.00")])
def test_decimals_are_localised(language, shown):
    assert _render("{{ w }}", language, w=Decimal("2.00")) == shown


@pytest.mark.parametrize(
    ("language", "day", "moment", "short"),
    [
        ("ru", "7 декабря 2026", "7 декабря 2026, 14:05", "07.12.2026"),
        ("en", "7 December 2026", "7 December 2026, 14:05", "7 Dec 2026"),
    ],
)
def test_dates_read_as_each_language_writes_them(language, day, moment, short):
    with translation.override(language):
        assert formats.date_format(date(2026, 12, 7)) == day
        assert formats.date_format(datetime(2026, 12, 7, 14, 5), "DATETIME_FORMAT") == moment
        assert formats.date_format(date(2026, 12, 7), "SHORT_DATE_FORMAT") == short


def test_a_russian_date_ending_a_sentence_has_one_full_stop():
    text = _render('До {{ d|date:"DATE_FORMAT" }}.', "ru", d=date(2026, 12, 7))
    assert text == "До 7 декабря 2026."


@pytest.mark.parametrize(
    ("zone", "language", "name"),
    [
        ("Asia/Yakutsk", "ru", "якутское время, UTC+9"),
        ("Asia/Yakutsk", "en", "Yakutsk time, UTC+9"),
        ("Asia/Magadan", "ru", "магаданское время, UTC+11"),
        ("Europe/Moscow", "en", "Moscow time, UTC+3"),
        ("Asia/Kolkata", "en", "Kolkata, UTC+5:30"),
    ],
)
def test_a_zone_is_named_in_words_never_by_its_iana_id(zone, language, name):
    assert zone_name(zone, language) == name
    assert _render("{% load zones %}{{ z|zone_name }}", language, z=zone) == name


def test_a_zone_name_follows_the_offset_at_the_moment_asked():
    from datetime import UTC

    assert zone_name("Europe/Berlin", "en", at=datetime(2026, 1, 1, tzinfo=UTC)) == "Berlin, UTC+1"
    assert zone_name("Europe/Berlin", "en", at=datetime(2026, 7, 1, tzinfo=UTC)) == "Berlin, UTC+2"


class _DatesForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("typed", ["21.12.2026", "2026-12-21"])
def test_every_form_takes_a_localised_or_an_iso_date(language, typed):
    with translation.override(language):
        form = _DatesForm({"day": typed, "moment": "2026-12-21T10:00"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == date(2026, 12, 21)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_date_pickers_hold_iso_in_every_language(language):
    with translation.override(language):
        form = _DatesForm(initial={"day": date(2026, 12, 21), "moment": datetime(2026, 12, 21, 9)})
        assert 'value="2026-12-21"' in str(form["day"])
        assert 'value="2026-12-21T09:00"' in str(form["moment"])
