"""Input shapes of the applicant's and the screening pages.

The application form is built from the call's questions: one form field per question, named
``field_<id>``. The form only carries what was typed; the services type and check it (money as
Decimal, a date as a date) and name the question they refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from technopark.companies.models import Company
from technopark.core.forms import ServiceErrorsMixin
from technopark.parks.forms import direction_label
from technopark.parks.models import Direction
from technopark.selection.models import (
    Answer,
    CheckVerdict,
    EligibilityOutcome,
    FieldKind,
    FormField,
)
from technopark.selection.services.applications import field_key


class StartApplicationForm(ServiceErrorsMixin, forms.Form):
    company = forms.ChoiceField(label=_("Apply for"))

    def __init__(self, *args: Any, companies: list[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._companies = {str(c.pk): c for c in companies}
        self.fields["company"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), c.short_name) for c in companies
        ]

    def clean_company(self) -> Company:
        return self._companies[self.cleaned_data["company"]]


def _form_field(question: FormField) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": False,  # a draft may be incomplete; submission asks for the required ones
    }
    kind = question.kind
    if kind == FieldKind.SHORT_TEXT:
        return forms.CharField(max_length=300, **common)
    if kind == FieldKind.LONG_TEXT:
        return forms.CharField(
            max_length=20_000, widget=forms.Textarea(attrs={"rows": 6}), **common
        )
    if kind == FieldKind.NUMBER:
        return forms.CharField(
            max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
        )
    if kind == FieldKind.MONEY:
        return forms.CharField(
            max_length=40,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "money"}),
            **common,
        )
    if kind == FieldKind.DATE:
        return forms.CharField(
            max_length=10, widget=forms.DateInput(attrs={"type": "date"}), **common
        )
    if kind == FieldKind.CHOICE:
        return forms.ChoiceField(
            choices=[("", "—"), *((str(i), o) for i, o in enumerate(question.option_list))],
            **common,
        )
    if kind == FieldKind.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(str(i), o) for i, o in enumerate(question.option_list)],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == FieldKind.DECLARATION:
        return forms.BooleanField(**common)
    limits = _("%(types)s; up to %(n)d MB.") % {
        "types": question.allowed_types.replace(",", ", "),
        "n": question.max_size_mb,
    }
    common["help_text"] = f"{question.help_text} {limits}".strip()
    accept = ",".join(f".{t}" for t in question.allowed_types.split(",") if t)
    return forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": accept}), **common)


def _initial(question: FormField, answer: Answer | None) -> Any:
    if answer is None:
        return None
    kind = question.kind
    if kind in (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT):
        return answer.text
    if kind == FieldKind.NUMBER:
        return "" if answer.number is None else str(answer.number.normalize())
    if kind == FieldKind.MONEY:
        return "" if answer.money is None else str(answer.money)
    if kind == FieldKind.DATE:
        return answer.date.isoformat() if answer.date else ""
    if kind == FieldKind.CHOICE:
        return str(answer.choices[0]) if answer.choices else ""
    if kind == FieldKind.MULTI_CHOICE:
        return [str(i) for i in answer.choices or []]
    if kind == FieldKind.DECLARATION:
        return bool(answer.flag)
    return answer.file or None


class ApplicationForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=300, required=False)
    directions = forms.MultipleChoiceField(
        label=_("Directions of the project"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        questions: list[FormField],
        answers: dict[int, Answer],
        directions: list[Direction],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self._directions = {str(d.pk): d for d in directions}
        self.fields["directions"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), direction_label(d)) for d in directions
        ]
        for question in questions:
            name = field_key(question)
            self.fields[name] = _form_field(question)
            self.fields[name].question = question  # type: ignore[attr-defined]
            self.fields[name].is_required_question = question.required  # type: ignore[attr-defined]
            self.initial.setdefault(name, _initial(question, answers.get(question.pk)))

    def clean_directions(self) -> list[Direction]:
        return [self._directions[pk] for pk in self.cleaned_data["directions"]]

    def question_fields(self) -> list[Any]:
        return [self[field_key(q)] for q in self.questions]

    def raw_answers(self) -> dict[int, Any]:
        """What was typed per question (not the files), for ``application_save``."""
        answers: dict[int, Any] = {}
        for question in self.questions:
            if question.kind == FieldKind.FILE:
                continue
            value = self.cleaned_data.get(field_key(question))
            if question.kind == FieldKind.DECLARATION:
                value = True if value else None
            answers[question.pk] = value
        return answers

    def uploads(self) -> tuple[dict[int, Any], list[int]]:
        """New files per question, and the questions whose file is to be removed."""
        files: dict[int, Any] = {}
        removed: list[int] = []
        for question in self.questions:
            if question.kind != FieldKind.FILE:
                continue
            value = self.cleaned_data.get(field_key(question))
            if value is False:  # "clear" ticked
                removed.append(question.pk)
            elif value is not None and hasattr(value, "size") and not hasattr(value, "storage"):
                files[question.pk] = value
        return files, removed


class SubmitForm(ServiceErrorsMixin, forms.Form):
    declares_no_tax_debt = forms.BooleanField(
        label=_("The company has no overdue taxes, fees or insurance contributions."),
        required=False,
        help_text=_("Your declaration is one of the eligibility checks."),
    )
    confirm = forms.BooleanField(
        label=_("What I have written is true and complete."),
        required=True,
        error_messages={"required": _("Confirm to submit.")},
    )


class InformationRequestForm(ServiceErrorsMixin, forms.Form):
    message = forms.CharField(
        label=_("What should the applicant add?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InformationAnswerForm(ServiceErrorsMixin, forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )


class CheckDecisionForm(ServiceErrorsMixin, forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[
            (CheckVerdict.CONFIRMED, _("Confirm")),
            (CheckVerdict.OVERRIDDEN, _("Override")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Your reason"),
        max_length=500,
        required=False,
        help_text=_("Needed only when you override the platform's result."),
    )


class EligibilityBulkForm(ServiceErrorsMixin, forms.Form):
    """The applications whose automatic verdicts staff confirm in one go."""

    service_error_fields = {"applications": "applications"}

    applications = forms.TypedMultipleChoiceField(
        label=_("Applications"), coerce=int, choices=(), required=True
    )

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["applications"]
        field.choices = [(pk, str(pk)) for pk in ids]
        field.error_messages["required"] = _("Choose at least one application.")
        field.error_messages["invalid_choice"] = _("Choose applications shown on this page.")


class EligibilityOutcomeForm(ServiceErrorsMixin, forms.Form):
    """Staff give one application its eligibility outcome; a reason where it differs from the
    platform's verdict."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=EligibilityOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Your reason"),
        max_length=500,
        required=False,
        help_text=_("Needed only when the outcome differs from the automatic verdict."),
    )
