"""The ledger's cohort pickers, rendered in one pass by ``{% cohort_options %}``: the same options
as the straightforward template loop over the cohorts (newest first, «cohort — programme»,
escaped), the filtered cohort selected in the filter and in no other picker."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.template import engines

from technopark.grants import queries
from technopark.programmes.models import Cohort, Programme

pytestmark = pytest.mark.django_db

LOOP = engines["django"].from_string(
    '{% for cohort in cohorts %}<option value="{{ cohort.pk }}"{% if selected == cohort.pk %}'
    " selected{% endif %}>{{ cohort.name }} — {{ cohort.programme.name }}</option>{% endfor %}"
)
TAG = engines["django"].from_string("{% load grant_ledger %}{% cohort_options options selected %}")


@pytest.fixture
def cohorts(world):
    programme = Programme.all_parks.create(park=world.park, name='Акселератор <"A&B">')
    other = Programme.all_parks.create(park=world.other_park, name="Чужая программа")
    made = [
        Cohort.all_parks.create(
            park=world.park,
            programme=programme,
            name=name,
            starts_on=date(2026, month, 1),
            ends_on=date(2026, month + 1, 1),
        )
        for name, month in (("Весна", 3), ("Осень <b>", 9), ("Alpha 1", 9), ("Зима & 2", 1))
    ]
    Cohort.all_parks.create(
        park=world.other_park,
        programme=other,
        name="Чужая",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 6, 1),
    )
    return made


def test_the_tag_renders_what_the_template_loop_did(world, cohorts):
    straightforward = list(
        Cohort.all_parks.filter(park=world.park)
        .select_related("programme")
        .order_by("-starts_on", "name")
    )
    options = queries.cohort_options(park=world.park)
    assert [option.pk for option in options] == [cohort.pk for cohort in straightforward]
    for selected in (None, cohorts[1].pk, cohorts[3].pk, 10**9):
        expected = LOOP.render({"cohorts": straightforward, "selected": selected})
        assert TAG.render({"options": options, "selected": selected}) == expected
    html = TAG.render({"options": options, "selected": cohorts[1].pk})
    assert "&lt;b&gt;" in html and "&quot;A&amp;B&quot;" in html and "<b>" not in html
    assert html.count(" selected") == 1 and "Чужая" not in html


def test_the_ledger_marks_the_filtered_cohort_in_the_filter_only(world, cohorts, client_for):
    body = client_for("manager").get(f"/{world.park.slug}/grants/", {"cohort": cohorts[2].pk})
    html = body.content.decode()
    filter_select = re.search(r'<select id="grants-cohort".*?</select>', html, re.S)
    export_select = re.search(r'<select id="export-cohort".*?</select>', html, re.S)
    assert filter_select and export_select
    assert f'<option value="{cohorts[2].pk}" selected>Alpha 1 — ' in filter_select.group()
    assert " selected" not in export_select.group()
    assert export_select.group().count("<option") == len(cohorts) + 1  # and «All cohorts»
