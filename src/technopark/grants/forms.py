"""Input shapes of the grants pages. Forms only parse and check input; services write."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.forms import InputRulesMixin, ServiceErrorsMixin
from technopark.core.money import MoneyField
from technopark.grants.models import BudgetKind, Milestone
from technopark.programmes.models import Participant

PLAN_ROWS = 3


def _date_field(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date as YYYY-MM-DD."), "required": _("Give a date.")},
    )


def budget_field_name(kind: str) -> str:
    return f"budget_{kind}"


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Participant) -> str:
        return f"{obj.company.short_name} — {obj.cohort.name}"


class AwardForm(ServiceErrorsMixin, forms.Form):
    """The decision, the budget by line, and up to three milestones each with its tranche."""

    participant = ParticipantChoiceField(
        label=_("Participant"),
        queryset=Participant.objects.none(),
        error_messages={"invalid_choice": _("Choose a participant of this park without a grant.")},
    )
    amount = MoneyField(label=_("Amount awarded, roubles"))
    decision_reference = forms.CharField(label=_("Decision reference"), max_length=100)
    decided_on = _date_field(_("Decision date"))

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participant_field: Any = self.fields["participant"]
        participant_field.queryset = participants
        for kind, label in BudgetKind.choices:
            self.fields[budget_field_name(kind)] = MoneyField(
                label=label, required=False, help_text=_("Leave empty for none.")
            )
        for n in range(1, PLAN_ROWS + 1):
            self.fields[f"milestone_{n}_title"] = forms.CharField(
                label=_("Milestone %(n)d") % {"n": n}, max_length=200, required=False
            )
            self.fields[f"milestone_{n}_due"] = _date_field(_("Due date"), required=False)
            self.fields[f"milestone_{n}_amount"] = MoneyField(
                label=_("Tranche, roubles"), required=False
            )

    def budget_fields(self) -> list[Any]:
        return [self[budget_field_name(kind)] for kind in BudgetKind.values]

    def plan_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (
                self[f"milestone_{n}_title"],
                self[f"milestone_{n}_due"],
                self[f"milestone_{n}_amount"],
            )
            for n in range(1, PLAN_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, PLAN_ROWS + 1):
            title = data.get(f"milestone_{n}_title")
            due = data.get(f"milestone_{n}_due")
            amount = data.get(f"milestone_{n}_amount")
            if (due or amount) and not title:
                self.add_error(f"milestone_{n}_title", _("Name the milestone."))
            if title and not due:
                self.add_error(f"milestone_{n}_due", _("Give the milestone's due date."))
        return data

    def budget(self) -> dict[str, Decimal]:
        return {
            kind: self.cleaned_data[budget_field_name(kind)]
            for kind in BudgetKind.values
            if self.cleaned_data.get(budget_field_name(kind)) is not None
        }

    def plans(self) -> list[Any]:
        from technopark.grants.services import MilestonePlan

        rows = []
        for n in range(1, PLAN_ROWS + 1):
            title = self.cleaned_data.get(f"milestone_{n}_title")
            if title:
                rows.append(
                    MilestonePlan(
                        title=title,
                        due_on=self.cleaned_data[f"milestone_{n}_due"],
                        tranche_amount=self.cleaned_data.get(f"milestone_{n}_amount") or None,
                    )
                )
        return rows


class MilestoneForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("title of a thing", "Title"), max_length=200)
    due_on = _date_field(_("Due date"))
    deliverables = forms.CharField(
        label=_("Deliverables"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrancheRequestForm(ServiceErrorsMixin, forms.Form):
    milestone = forms.ModelChoiceField(
        label=_("Milestone"),
        queryset=Milestone.objects.none(),
        error_messages={"invalid_choice": _("Choose a milestone of this grant.")},
    )
    amount = MoneyField(label=_("Amount, roubles"))

    def __init__(self, *args: Any, milestones: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["milestone"]
        field.queryset = milestones


class PayForm(ServiceErrorsMixin, forms.Form):
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        help_text=_("The payment order's number in the accounting system."),
    )
    paid_on = _date_field(_("Payment date"), required=False)
    # Made when the form is shown: submitting the same form twice pays once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("reason for a decision", "Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GrantPolicyForm(ServiceErrorsMixin, forms.Form):
    pay_only_accepted_reports = forms.BooleanField(
        label=_("Pay a tranche only when its milestone's report is accepted"), required=False
    )
    segregation_of_duties = forms.BooleanField(
        label=_(
            "Segregation of duties: the requester of a tranche does not approve it, and the "
            "payer is neither the requester nor an approver"
        ),
        required=False,
    )


class ClawbackForm(ServiceErrorsMixin, forms.Form):
    amount = MoneyField(label=_("Amount returned, roubles"))
    reference = forms.CharField(label=_("Reference"), max_length=100)
    reason = forms.CharField(
        label=pgettext_lazy("reason for a decision", "Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decided_on = _date_field(pgettext_lazy("date of a decision", "Date"), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def spent_field_name(kind: str) -> str:
    return f"spent_{kind}"


class ReportForm(ServiceErrorsMixin, forms.Form):
    summary = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Acts, invoices, photos: PDF, images, office documents; at most 10 MB each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in BudgetKind.choices:
            self.fields[spent_field_name(kind)] = MoneyField(
                label=_("%(line)s: spent, roubles") % {"line": label}, required=False
            )

    def spending_fields(self) -> list[Any]:
        return [self[spent_field_name(kind)] for kind in BudgetKind.values]

    def spending(self) -> dict[str, Decimal]:
        return {
            kind: self.cleaned_data[spent_field_name(kind)]
            for kind in BudgetKind.values
            if self.cleaned_data.get(spent_field_name(kind)) is not None
        }


class ReviewForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", pgettext_lazy("grant report", "Accept")),
            ("return", _("Return for changes")),
        ],
        error_messages={"invalid_choice": _("Accept or return the report.")},
    )
    note = forms.CharField(label=pgettext_lazy("comment", "Note"), required=False, max_length=4000)


class ExportForm(InputRulesMixin, forms.Form):
    cohort = forms.IntegerField(required=False, min_value=1)
    date_from = _date_field(pgettext_lazy("start of a time range", "From"), required=False)
    date_to = _date_field(pgettext_lazy("end of a time range", "To"), required=False)
