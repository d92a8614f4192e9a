"""A searchable picker: choose a record by what people know it by, never by its internal number.

``PickerField`` is a ``ModelChoiceField`` whose widget shows a search box above a plain select.
The select lists a bounded number of choices (the first ``limit`` of the field's queryset, and the
chosen one), so the page works without JavaScript and stays light however many records there are.
With htmx, typing in the box asks the app's search endpoint for the matching choices and swaps
them into the select. Values are the records' ids, posted as usual, and validated against the
whole queryset, which the form scopes to the park and to what the visitor may choose::

    class AssignmentAddForm(ServiceErrorsMixin, forms.Form):
        expert = PickerField(
            queryset=ExpertProfile.objects.none(),
            search_fields=("user__email", "user__full_name"),
            label_from=lambda expert: f"{expert.user.full_name} <{expert.user.email}>",
        )

        def __init__(self, *args, park, search_url, **kwargs):
            super().__init__(*args, **kwargs)
            field = self.fields["expert"]
            field.queryset = ExpertProfile.objects.filter(park=park).select_related("user")
            field.search_url = search_url

    @require_GET
    def expert_search(request, park_slug, call_id):
        require(rules.can_manage_assignments(access_of(request)))  # the endpoint checks, too
        form = AssignmentAddForm(park=park_of(request), search_url="")
        return pickers.options_response(request, form.fields["expert"])

The endpoint reads one typed, bounded parameter ``q`` and answers the ``<option>`` elements of
at most ``limit`` matches (a fixed number of queries whatever the size of the park).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from technopark.core import params

__all__ = ["DEFAULT_LIMIT", "SEARCH", "PickerField", "PickerWidget", "options_response"]

#: how many choices a picker lists at most, in the page and in an answer of the search endpoint
DEFAULT_LIMIT = 50

#: the search endpoint's one parameter
SEARCH = params.Text(max_length=100)


class PickerWidget(forms.Select):
    """A search box (htmx) above a select of a bounded list of choices."""

    template_name = "core/widgets/picker.html"
    picker: PickerField | None = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        picker = self.picker
        widget = context["widget"]
        widget["search_url"] = picker.search_url if picker else ""
        widget["limit"] = picker.limit if picker else DEFAULT_LIMIT
        widget["more"] = bool(picker and picker.has_more)
        return context

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        if self.picker is not None:
            self.choices = self.picker.bounded_choices(value)
        return super().optgroups(name, value, attrs)


class PickerField(forms.ModelChoiceField[Model]):
    """A choice of one record of ``queryset``, found by ``search_fields`` (``icontains``)."""

    widget = PickerWidget

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        search_fields: Sequence[str],
        label_from: Callable[[Any], str] | None = None,
        search_url: str = "",
        limit: int = DEFAULT_LIMIT,
        **kwargs: Any,
    ) -> None:
        self.search_fields = tuple(search_fields)
        self.label_from = label_from
        self.search_url = search_url
        self.limit = limit
        self.has_more = False
        super().__init__(queryset, **kwargs)
        self.widget.picker = self

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = super().__deepcopy__(memo)
        result.widget = copy.deepcopy(self.widget, memo)
        result.widget.picker = result
        return result

    def label_from_instance(self, obj: Model) -> str:
        return self.label_from(obj) if self.label_from else str(obj)

    def _ordered(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = self.queryset  # type: ignore[assignment]
        return queryset if queryset.ordered else queryset.order_by("pk")

    def matches(self, query: str) -> list[Any]:
        """At most ``limit`` records whose search fields contain ``query`` (all, when empty);
        ``has_more`` says whether others match too."""
        queryset = self._ordered()
        words = query.split()[:5]
        for word in words:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        found = list(queryset[: self.limit + 1])
        self.has_more = len(found) > self.limit
        return found[: self.limit]

    def bounded_choices(self, selected: list[Any]) -> list[tuple[Any, Any]]:
        """The choices a page lists: an empty one, the chosen record, the first ``limit``."""
        records = self.matches("")
        chosen_ids = {str(value) for value in selected if value not in (None, "")}
        listed = {str(record.pk) for record in records}
        # Only ids a database can hold: a posted "99999999999999999999" or "²" is not looked up
        # (the field refuses it), so redrawing the refused form cannot fail.
        missing = [value for value in chosen_ids - listed if _storable_id(value)]
        if missing:
            records = list(self._ordered().filter(pk__in=missing)) + records
        empty: list[tuple[Any, Any]] = [("", self.empty_label or "")]
        if self.empty_label is None and self.required and chosen_ids:
            empty = []
        return empty + [(record.pk, self.label_from_instance(record)) for record in records]


def _storable_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**63


def options_response(request: HttpRequest, field: PickerField) -> HttpResponse:
    """The search endpoint's answer: the ``<option>`` elements of the records matching ``q``.

    The caller has checked the visitor's permission and scoped ``field.queryset`` to the park;
    a refused ``q`` (too long, a control character) searches for nothing rather than failing.
    """
    query = params.param_value(request.GET, "q", SEARCH, "")
    records = field.matches(query)
    return render(
        request,
        "core/widgets/picker_options.html",
        {
            "options": [(record.pk, field.label_from_instance(record)) for record in records],
            "more": field.has_more,
            "limit": field.limit,
            "query": query,
        },
    )
