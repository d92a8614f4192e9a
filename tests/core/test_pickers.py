"""The searchable picker: a bounded select that works without JavaScript, a search endpoint for
htmx, ids posted as usual and validated against the whole (scoped) queryset."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from technopark.core.forms import ServiceErrorsMixin
from technopark.core.pickers import PickerField, options_response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _label(user: Any) -> str:
    return f"{user.full_name} <{user.email}>"


class PersonForm(ServiceErrorsMixin, forms.Form):
    person = PickerField(
        queryset=get_user_model().objects.none(),
        search_fields=("email", "full_name"),
        label_from=_label,
        limit=3,
    )

    def __init__(self, *args: Any, allowed: Any, search_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["person"]
        field.queryset = allowed.order_by("email")
        field.search_url = search_url


def _people(count: int) -> list[Any]:
    return [
        UserFactory(email=f"person{i:02d}@example.org", full_name=f"Name{i:02d} Doe")
        for i in range(count)
    ]


def test_the_page_lists_a_bounded_select_with_human_labels_and_a_search_box() -> None:
    people = _people(5)
    User = get_user_model()
    form = PersonForm(allowed=User.objects.all(), search_url="/yakutia/pick/people/")
    html = str(form["person"])
    assert html.count("<option") == 1 + 3  # the empty choice and the first three
    assert "Name00 Doe &lt;person00@example.org&gt;" in html
    assert f'value="{people[0].pk}"' in html
    assert f'value="{people[4].pk}"' not in html
    assert 'hx-get="/yakutia/pick/people/"' in html
    assert "data-picker-search" in html and "hidden" in html  # shown by site.js with htmx
    assert "search to find the others" in html


def test_the_chosen_record_is_listed_even_beyond_the_bound() -> None:
    people = _people(5)
    User = get_user_model()
    form = PersonForm({"person": str(people[4].pk)}, allowed=User.objects.all())
    assert form.is_valid()
    html = str(form["person"])
    assert f'<option value="{people[4].pk}" selected>' in html


def test_a_value_outside_the_scoped_queryset_is_refused_next_to_the_field() -> None:
    people = _people(3)
    outsider = UserFactory(email="outsider@example.org")
    User = get_user_model()
    allowed = User.objects.filter(pk__in=[person.pk for person in people])
    for bad in (str(outsider.pk), "0", "abc", "99999999999999999999999", str(2**63), "²", ""):
        form = PersonForm({"person": bad}, allowed=allowed)
        assert not form.is_valid()
        assert "person" in form.errors
        # The refused form is drawn again: the posted value is never looked up beyond 64 bits.
        assert str(form["person"]).count("<option") == 1 + 3
    assert "person" not in PersonForm({"person": str(people[1].pk)}, allowed=allowed).errors


def test_no_search_box_without_a_search_endpoint() -> None:
    _people(1)
    form = PersonForm(allowed=get_user_model().objects.all())
    assert "data-picker-search" not in str(form["person"])


def _search(form: PersonForm, query: Any) -> str:
    request = RequestFactory().get("/pick/", {"q": query} if query is not None else {})
    request.user = AnonymousUser()
    response = options_response(request, form.fields["person"])  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_the_search_endpoint_answers_bounded_matches_by_name_or_email() -> None:
    people = _people(5)
    UserFactory(email="elsewhere@example.org", full_name="Hidden")
    User = get_user_model()
    allowed = User.objects.filter(pk__in=[person.pk for person in people])
    form = PersonForm(allowed=allowed)
    found = _search(form, "name03")
    assert f'value="{people[3].pk}"' in found and found.count("<option") == 2
    assert "1 match" in found
    assert _search(form, "PERSON04@example").count(f'value="{people[4].pk}"') == 1
    assert _search(form, "doe name01").count("<option") == 2  # every word must match
    assert _search(form, "Hidden").count("<option") == 1  # outside the scope: nothing
    assert "Nothing found" in _search(form, "Hidden")
    everyone = _search(form, None)
    assert everyone.count("<option") == 1 + 3 and "type more letters" in everyone


def test_a_refused_search_searches_for_nothing_instead_of_failing() -> None:
    _people(2)
    form = PersonForm(allowed=get_user_model().objects.all())
    assert _search(form, "x" * 500).count("<option") == 1 + 2  # too long: ignored
    assert _search(form, "a\x00b").count("<option") == 1 + 2


@pytest.mark.parametrize("size", [2, 8])
def test_the_search_runs_one_query_whatever_the_size(
    size: int, django_assert_num_queries: Any
) -> None:
    _people(size)
    form = PersonForm(allowed=get_user_model().objects.all())
    with django_assert_num_queries(1):  # the matches, bounded
        _search(form, "name")


@pytest.mark.parametrize("size", [5, 12])
def test_the_field_renders_in_a_fixed_number_of_queries(
    size: int, django_assert_num_queries: Any
) -> None:
    people = _people(size)
    form = PersonForm({"person": str(people[-1].pk)}, allowed=get_user_model().objects.all())
    assert form.is_valid()
    with django_assert_num_queries(2):  # the first `limit`, the chosen one beyond them
        str(form["person"])


def test_forms_do_not_share_their_picker() -> None:
    User = get_user_model()
    one = PersonForm(allowed=User.objects.none(), search_url="/one/")
    two = PersonForm(allowed=User.objects.all(), search_url="/two/")
    assert one.fields["person"].widget.picker is one.fields["person"]  # type: ignore[attr-defined]
    assert 'hx-get="/one/"' in str(one["person"])
    assert 'hx-get="/two/"' in str(two["person"])
