"""The list's table rows written in Python equal what the template loop they replace wrote."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import engines
from django.utils import translation

from technopark.companies import queries
from technopark.companies.models import Stage
from technopark.companies.rows import company_rows
from tests.factories import CompanyFactory, DirectionFactory, SiteFactory

# The loop of companies/_results.html before the rows moved to Python (companies.rows).
TEMPLATE_LOOP = """{% for company in companies %}
<tr>
  <td><a href="{% url 'companies:detail' park_slug=park.slug pk=company.pk %}">{{ company.short_name }}</a><br><span class="muted">{{ company.legal_name }}</span></td>
  <td class="hide-narrow">{{ company.inn }}</td>
  <td><span class="stage">{{ company.get_stage_display }}</span></td>
  <td class="hide-narrow">{% for direction in company.directions.all %}<span class="tag">{{ direction.display_name }}</span>{% endfor %}</td>
  <td class="hide-narrow">{% if company.site %}{{ company.site.display_name }}{% endif %}</td>
  <td class="hide-narrow">{% if company.founded_on %}<time datetime="{{ company.founded_on|date:'Y-m-d' }}">{{ company.founded_on|date:"SHORT_DATE_FORMAT" }}</time>{% endif %}</td>
</tr>
{% endfor %}"""


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.fixture
def companies(world):
    site = SiteFactory(park=world.park, name="Бизнес-<инкубатор> & Ко", name_en="Incubator")
    child = DirectionFactory(
        park=world.park, code="ai", name='ИИ "и" <данные>', name_en="AI", position=7
    )
    late = DirectionFactory(park=world.park, code="geo", name="Гео", name_en="", position=9)
    made = [
        CompanyFactory(
            park=world.park,
            short_name='<b>Жирный</b> & "Ко"',
            legal_name="ООО 'Кавычки' & <теги>",
            stage=Stage.PROTOTYPE,
            site=site,
            founded_on=dt.date(2019, 3, 7),
        ),
        CompanyFactory(park=world.park, short_name="Без сайта", stage=Stage.MARKET),
        CompanyFactory(
            park=world.park,
            short_name="Polar Soft",
            stage=Stage.PRODUCTION,
            founded_on=dt.date(2001, 12, 31),
        ),
    ]
    made[0].directions.set([late, world.direction, child])
    made[2].directions.set([child])
    world.company.directions.set([late])
    return made


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("sort", ["name", "-founded", "stage"])
def test_the_rows_equal_the_template_loop(world, companies, language, sort):
    filters = queries.CompanyFilters(sort=sort)
    full = list(queries.company_list(park=world.park, filters=filters))
    rows = list(queries.company_table(park=world.park, filters=filters))
    assert len(rows) == 5  # the world's two and the three above
    with translation.override(language):
        template = engines["django"].from_string(TEMPLATE_LOOP)
        expected = template.render({"companies": full, "park": world.park})
        written = company_rows(
            rows,
            directions=queries.directions_of(park=world.park, companies=rows),
            park_slug=world.park.slug,
        )
    assert squeezed(written) == squeezed(expected)
    assert "&lt;b&gt;Жирный&lt;/b&gt; &amp; &quot;Ко&quot;" in written
    assert "<b>" not in written


def test_the_table_columns_are_all_that_the_rows_read(world, companies, django_assert_num_queries):
    # Two queries (the companies with their site, their directions): nothing deferred is read.
    with django_assert_num_queries(2):
        rows = list(queries.company_table(park=world.park, filters=queries.CompanyFilters()))
        directions = queries.directions_of(park=world.park, companies=rows)
        company_rows(rows, directions=directions, park_slug=world.park.slug)
    assert queries.directions_of(park=world.park, companies=[]) == {}


def test_directions_of_equals_the_prefetched_directions(world, companies):
    full = list(queries.company_list(park=world.park, filters=queries.CompanyFilters()))
    found = queries.directions_of(park=world.park, companies=full)
    for company in full:
        assert [(d.pk, d.name, d.name_en) for d in found.get(company.pk, [])] == [
            (d.pk, d.name, d.name_en) for d in company.directions.all()
        ]
    assert sum(map(len, found.values())) == 5
