"""``{% agenda_list %}``: the agenda's lines written in Python, as the template wrote them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.template import Context, Template
from django.utils import timezone, translation

from technopark.parks.agenda import DUE, OVERDUE, Item


def _render(items: list[Item]) -> str:
    return Template("{% load park_tags %}{% agenda_list items %}").render(Context({"items": items}))


def test_nothing_waits() -> None:
    with translation.override("ru"):
        html = _render([])
    assert 'data-testid="agenda-empty"' in html
    assert "Сейчас здесь ничего не ждёт ваших действий." in html


def test_lines_with_their_flag_and_date_in_the_park_zone() -> None:
    moment = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 10:30 in Yakutsk
    items = [
        Item("selection.late", "2 <b>late</b> reviews", 2, "/yakutia/reviews/?a=1&b=2", OVERDUE),
        Item("spaces.today", "1 booking today", 1, "/yakutia/spaces/my/", DUE, moment),
        Item(
            "grants.milestones", "1 milestone", 1, "/yakutia/grants/mine/", DUE, dt.date(2026, 3, 9)
        ),
    ]
    with translation.override("ru"), timezone.override(zoneinfo.ZoneInfo("Asia/Yakutsk")):
        html = _render(items)
    assert html.count('<li class="agenda-item') == 3
    first, second, third = html.split("<li ")[1:]
    assert 'agenda-overdue" data-kind="selection.late"' in first
    assert "2 &lt;b&gt;late&lt;/b&gt; reviews" in first  # the label is escaped
    assert 'href="/yakutia/reviews/?a=1&amp;b=2"' in first
    assert '<span class="agenda-flag">просрочено</span>' in first
    assert "agenda-flag" not in second and "agenda-flag" not in third
    assert "02.03.2026 10:30" in second  # the moment in the park's zone, not UTC's 01:30
    assert "09.03.2026" in third and ":" not in third.split("muted")[1][:20]
