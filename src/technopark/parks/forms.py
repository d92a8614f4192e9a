"""Input shapes for a park's own settings: its sites and its directions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.forms import ServiceErrorsMixin
from technopark.parks.models import TIME_ZONE_CHOICES, Direction


def direction_label(direction: Direction) -> str:
    """A direction as a choice: its name, indented with a dash under its parent (every app's
    forms that offer the park's directions use it)."""
    depth = getattr(direction, "depth", 1 if direction.parent_id else 0)
    return f"— {direction.display_name}" if depth else direction.display_name


class SiteForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)


class DirectionForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_(
            "Latin letters, digits and hyphens; it never changes, so reports can rely on it."
        ),
    )
    parent = forms.TypedChoiceField(
        label=_("Part of"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty for a top-level direction."),
    )
    position = forms.IntegerField(label=_("Display order"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args: Any, top_level: list[Direction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._parents = {d.pk: d for d in top_level}
        self.fields["parent"].choices = [("", _("— none —"))] + [  # type: ignore[attr-defined]
            (d.pk, d.display_name) for d in top_level
        ]

    def clean_parent(self) -> Direction | None:
        pk = self.cleaned_data.get("parent")
        return self._parents.get(pk) if pk is not None else None


class DirectionEditForm(ServiceErrorsMixin, forms.Form):
    """What may change of a direction: its names and display order (never its code)."""

    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    position = forms.IntegerField(label=_("Display order"), min_value=0, max_value=999)
