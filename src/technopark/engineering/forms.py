"""Input of the engineering pages: a request, a change of state, assignment, quote lines,
sending, declining, the catalogue and the park's settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company
from technopark.core.forms import ServiceErrorsMixin
from technopark.core.money import MoneyField
from technopark.engineering.models import RequestState, Service, ServiceKind, Tier, Unit
from technopark.parks.models import Site

QUANTITY_ERRORS = {
    "invalid": _("Give a number, such as 2 or 1.5."),
    "required": _("Give a quantity."),
    "max_digits": _("This quantity is too large."),
    "max_whole_digits": _("This quantity is too large."),
    "max_decimal_places": _("Give the quantity to two decimal places at most."),
    "min_value": _("Give a quantity above zero."),
}


class QuantityField(forms.DecimalField):
    """A quantity as people type it: a comma or a point before the decimals ("3,5")."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = "".join(value.split())
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        result: Decimal | None = super().to_python(value)
        return result


def quantity_field() -> forms.DecimalField:
    return QuantityField(
        label=_("quantity"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=QUANTITY_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class RequestForm(ServiceErrorsMixin, forms.Form):
    company = forms.ModelChoiceField(
        label=_("company"),
        queryset=Company.all_parks.none(),
        error_messages={"invalid_choice": _("Choose one of your companies.")},
    )
    title = forms.CharField(label=pgettext_lazy("service request", "title"), max_length=200)
    description = forms.CharField(
        label=_("What is to be done, and why"), widget=forms.Textarea(attrs={"rows": 6})
    )
    desired_on = forms.DateField(
        label=_("desired date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    confidential = forms.BooleanField(
        label=_("confidential (under NDA)"),
        required=False,
        help_text=_(
            "Only your company's team, the engineers assigned to the request and the park's "
            "managers will see it."
        ),
    )

    def __init__(self, *args: Any, companies: QuerySet[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["company"]).queryset = companies


RATING_ERROR = _("Give the rating as a whole number from 1 to 5.")


class TransitionForm(ServiceErrorsMixin, forms.Form):
    to_state = forms.ChoiceField(
        label=pgettext_lazy("change of state", "to"),
        choices=RequestState.choices,
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )
    reason = forms.CharField(
        label=pgettext_lazy("why a change is made", "reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The company's satisfaction when it accepts the work (both optional).
    rating = forms.IntegerField(
        label=_("rating of the work, 1 to 5"),
        required=False,
        min_value=1,
        max_value=5,
        error_messages={
            "invalid": RATING_ERROR,
            "min_value": RATING_ERROR,
            "max_value": RATING_ERROR,
        },
    )
    rating_comment = forms.CharField(
        label=_("comment on the work"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(ServiceErrorsMixin, forms.Form):
    # The querysets are the park's people, set per form.
    responsible: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("responsible staff member"), queryset=Company.all_parks.none(), required=False
    )
    engineers: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("assigned engineers"),
        queryset=Company.all_parks.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, staff: Any, engineers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = staff
        cast(forms.ModelMultipleChoiceField, self.fields["engineers"]).queryset = engineers


class ServiceLineForm(ServiceErrorsMixin, forms.Form):
    service = forms.ModelChoiceField(
        label=pgettext_lazy("engineering", "service"),
        queryset=Service.all_parks.none(),
        error_messages={"invalid_choice": _("Choose a service of the catalogue.")},
    )
    quantity = quantity_field()
    tier = forms.ChoiceField(label=_("price tier"), choices=Tier.choices)
    discount = MoneyField(label=_("discount"), required=False)
    discount_reason = forms.CharField(
        label=_("reason for the discount"), max_length=300, required=False
    )

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = services


class MaterialsLineForm(ServiceErrorsMixin, forms.Form):
    description = forms.CharField(label=_("materials"), max_length=300)
    quantity = quantity_field()
    unit_price = MoneyField(label=_("price per unit"))
    discount = MoneyField(label=_("discount"), required=False)
    discount_reason = forms.CharField(
        label=_("reason for the discount"), max_length=300, required=False
    )


class SendForm(ServiceErrorsMixin, forms.Form):
    expires_on = forms.DateField(
        label=_("valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the park's usual validity."),
    )


class DeclineForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("why a change is made", "reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ServiceForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "name"), max_length=200)
    name_en = forms.CharField(label=_("name in English"), max_length=200, required=False)
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.all_parks.none(), required=False)
    kind = forms.ChoiceField(
        label=pgettext_lazy("kind of a service", "kind"), choices=ServiceKind.choices
    )
    unit = forms.ChoiceField(label=pgettext_lazy("unit of a service", "unit"), choices=Unit.choices)
    lead_time_days = forms.IntegerField(
        label=_("lead time, working days"), min_value=0, max_value=365, initial=5
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        label=pgettext_lazy("a service is offered", "active"), required=False, initial=True
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = sites


class PriceForm(ServiceErrorsMixin, forms.Form):
    tier = forms.ChoiceField(label=_("price tier"), choices=Tier.choices)
    valid_from = forms.DateField(
        label=_("valid from"),
        help_text=_("Today or a later day: the days gone by keep their prices."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    unit_price = MoneyField(label=_("price per unit"))


class SettingsForm(ServiceErrorsMixin, forms.Form):
    approval_threshold = MoneyField(label=_("manager's approval above"))
