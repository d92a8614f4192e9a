"""Forms of the review part: the expert's profile and conflicts, the review, the assignment board."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company
from technopark.core.forms import ServiceErrorsMixin
from technopark.core.localtime import zone_named
from technopark.core.pickers import PickerField
from technopark.parks.models import Direction
from technopark.selection.models import (
    Application,
    ConflictKind,
    Criterion,
    ExpertProfile,
    Recommendation,
)

__all__ = [
    "AssignmentAddForm",
    "AssignmentSwapForm",
    "CapacityForm",
    "ConflictForm",
    "ExpertProfileForm",
    "ManagerConflictForm",
    "PublishForm",
    "RecuseForm",
    "ReviewForm",
]

NOT_APPLICABLE = "na"


class DirectionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ExpertProfileForm(ServiceErrorsMixin, forms.Form):
    directions = DirectionChoiceField(
        label=_("Directions you review"),
        queryset=Direction.all_parks.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    affiliations = forms.CharField(
        label=_("Affiliations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Organisations you work for or with, one per line (name or INN). Applications of "
            "these organisations are never given to you."
        ),
    )
    default_capacity = forms.IntegerField(
        label=_("Applications per call"), min_value=0, max_value=1000, initial=10
    )

    def __init__(self, *args: Any, park: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["directions"]
        field.queryset = Direction.all_parks.filter(park=park).order_by("position", "name")


class ConflictForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Conflict with"), choices=ConflictKind.choices)
    company_inn = forms.CharField(
        label=_("Company's INN"),
        required=False,
        max_length=12,
        help_text=_("For a company of the park."),
    )
    person_email = forms.EmailField(
        label=_("Person's e-mail address"),
        required=False,
        help_text=_("For a member of the park."),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=300,
        help_text=_("Its name or INN, for any other organisation."),
    )
    reason = forms.CharField(
        label=pgettext_lazy("conflict of interest", "Reason"), required=False, max_length=300
    )


class ReviewForm(ServiceErrorsMixin, forms.Form):
    """A score per criterion (a number, "not applicable", or unanswered), a recommendation and
    two notes. ``scores()`` gives what the services take."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("", _("— not chosen yet —")), *Recommendation.choices],
        required=False,
    )
    note_for_council = forms.CharField(
        label=_("Note for the council"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the council and the park's staff read it."),
    )
    note_for_applicant = forms.CharField(
        label=_("Note for the applicant"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the applicant with the decision, without your name."),
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion], disabled: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields: dict[str, forms.Field] = {}
        for criterion in criteria:
            choices: list[tuple[str, Any]] = [
                ("", _("— not scored yet —")),
                (NOT_APPLICABLE, _("Not applicable")),
            ]
            choices += [(str(n), str(n)) for n in range(criterion.scale_max + 1)]
            fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                choices=choices,
                required=False,
                help_text=_("Weight %(weight)s; from 0 to %(max)s.")
                % {"weight": formats.localize(criterion.weight), "max": criterion.scale_max},
            )
        self.fields = {**fields, **self.fields}
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    @property
    def score_fields(self) -> list[Any]:
        return [self[f"score_{c.pk}"] for c in self.criteria]

    @staticmethod
    def initial_for(review: Any, criteria: list[Criterion]) -> dict[str, Any]:
        if review is None:
            return {}
        initial: dict[str, Any] = {
            "recommendation": review.recommendation,
            "note_for_council": review.note_for_council,
            "note_for_applicant": review.note_for_applicant,
        }
        for score in review.scores.all():
            initial[f"score_{score.criterion_id}"] = (
                NOT_APPLICABLE if score.score is None else str(score.score)
            )
        return initial

    def scores(self) -> dict[int, int | None]:
        result: dict[int, int | None] = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"score_{criterion.pk}", "")
            if value == NOT_APPLICABLE:
                result[criterion.pk] = None
            elif value != "":
                result[criterion.pk] = int(value)
        return result


class PublishForm(ServiceErrorsMixin, forms.Form):
    due_at = forms.DateField(
        label=_("Reviews due by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The end of this day in the park's time zone."),
    )

    def due_datetime(self, time_zone: str) -> datetime:
        """The end of the chosen day in ``time_zone`` (an aware datetime)."""
        day = self.cleaned_data["due_at"]
        return datetime.combine(day, time(23, 59, 59), tzinfo=zone_named(time_zone))


def expert_label(expert: Any) -> str:
    """An expert as staff know them: their name and e-mail address."""
    user = expert.user
    return f"{user.full_name} <{user.email}>" if user.full_name else user.email


def application_label(application: Any) -> str:
    """An application as staff know it: its title and the company with its INN."""
    company = application.company
    title = application.title or _("Untitled project")
    return f"{title} — {company.short_name} ({_('INN')} {company.inn})"


def company_label(company: Any) -> str:
    return f"{company.short_name} ({_('INN')} {company.inn})"


EXPERT_SEARCH = ("user__full_name", "user__email")
APPLICATION_SEARCH = ("title", "company__short_name", "company__legal_name", "company__inn")
COMPANY_SEARCH = ("short_name", "legal_name", "inn")


def expert_picker(*, label: Any = None) -> PickerField:
    return PickerField(
        queryset=ExpertProfile.all_parks.none(),
        search_fields=EXPERT_SEARCH,
        label_from=expert_label,
        label=label or _("Expert"),
        empty_label=pgettext_lazy("picker", "Choose an expert"),
        error_messages={"invalid_choice": _("Choose an expert of this park.")},
    )


class _Pickers:
    """Sets the pickers' querysets (scoped to the park and the call) and search addresses."""

    def _scope(self, name: str, queryset: Any, search_url: str) -> None:
        field: Any = self.fields[name]  # type: ignore[attr-defined]
        field.queryset = queryset
        field.search_url = search_url


class AssignmentAddForm(_Pickers, ServiceErrorsMixin, forms.Form):
    application = PickerField(
        queryset=Application.all_parks.none(),
        search_fields=APPLICATION_SEARCH,
        label_from=application_label,
        label=_("Application"),
        empty_label=pgettext_lazy("picker", "Choose an application"),
        error_messages={"invalid_choice": _("Choose a submitted application of this call.")},
    )
    expert = expert_picker()

    def __init__(
        self,
        *args: Any,
        applications: Any,
        experts: Any,
        urls: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        urls = urls or {}
        self._scope("application", applications, urls.get("application", ""))
        self._scope("expert", experts, urls.get("expert", ""))


class AssignmentSwapForm(_Pickers, ServiceErrorsMixin, forms.Form):
    expert = expert_picker(label=_("Replace with"))

    def __init__(self, *args: Any, experts: Any, search_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope("expert", experts, search_url)


class CapacityForm(_Pickers, ServiceErrorsMixin, forms.Form):
    expert = expert_picker()
    capacity = forms.IntegerField(label=_("Applications"), min_value=0, max_value=1000)

    def __init__(self, *args: Any, experts: Any, search_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope("expert", experts, search_url)


class RecuseForm(ServiceErrorsMixin, forms.Form):
    """An expert leaves an assignment for a conflict of interest: only a reason is asked (a
    blind reviewer does not know who applied)."""

    reason = forms.CharField(
        label=_("Why you have a conflict of interest"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example: “I advise this team”, “a relative works there”. The park's managers "
            "read it; the applicant does not."
        ),
    )


class ManagerConflictForm(_Pickers, ServiceErrorsMixin, forms.Form):
    """A manager declares a conflict for an expert: with a company of the park (chosen by name
    or INN), a member of the park (by e-mail) or any organisation."""

    service_error_fields = {"company_inn": "company"}

    expert = expert_picker()
    kind = forms.ChoiceField(label=_("Conflict with"), choices=ConflictKind.choices)
    company = PickerField(
        queryset=Company.all_parks.none(),
        search_fields=COMPANY_SEARCH,
        label_from=company_label,
        label=_("Company"),
        required=False,
        empty_label=pgettext_lazy("picker", "Choose a company"),
        error_messages={"invalid_choice": _("Choose a company of this park.")},
    )
    person_email = forms.EmailField(
        label=_("Person's e-mail address"), required=False, help_text=_("For a member of the park.")
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=300,
        help_text=_("Its name or INN, for any other organisation."),
    )
    reason = forms.CharField(
        label=pgettext_lazy("conflict of interest", "Reason"), required=False, max_length=300
    )

    def __init__(
        self,
        *args: Any,
        experts: Any,
        companies: Any,
        urls: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        urls = urls or {}
        self._scope("expert", experts, urls.get("expert", ""))
        self._scope("company", companies, urls.get("company", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ConflictKind.COMPANY and not data.get("company"):
            self.add_error("company", _("Choose the company."))
        return data
