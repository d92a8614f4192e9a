"""Input shapes of the companies pages. Forms only parse and check input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.companies.models import Company, Stage
from technopark.companies.validators import validate_inn, validate_ogrn
from technopark.core.forms import ServiceErrorsMixin
from technopark.parks.forms import direction_label
from technopark.parks.models import Direction, Park, Site
from technopark.parks.regions import REGION_CHOICES

# Fields only the park's staff set: they count in the park's figures.
PARK_FLAG_FIELDS = ("started_in_park", "supported_by_park")


class CompanyForm(ServiceErrorsMixin, forms.Form):
    """A company's data, for both creating and editing.

    ``directions`` and ``sites`` are the park's options, read once by the view and used both to
    render the choices and to turn the submitted ids back into objects (no further queries).
    """

    short_name = forms.CharField(label=_("Short name"), max_length=120)
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=300,
        help_text=_('As registered, e.g. ООО "Северный код".'),
    )
    inn = forms.CharField(
        label=_("INN"),
        max_length=12,
        validators=[validate_inn],
        help_text=_("10 digits for an organisation, 12 for an individual entrepreneur."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    ogrn = forms.CharField(
        label=_("OGRN / OGRNIP"),
        max_length=15,
        validators=[validate_ogrn],
        help_text=_("13 digits (OGRN) or 15 digits (OGRNIP)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES)
    is_sme = forms.BooleanField(label=_("Small or medium business"), required=False, initial=True)
    founded_on = forms.DateField(
        label=_("Founded on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    directions = forms.MultipleChoiceField(
        label=_("Directions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    site = forms.ChoiceField(label=_("Site"), required=False)
    stage = forms.ChoiceField(
        label=pgettext_lazy("company stage", "Stage"), choices=Stage.choices, initial=Stage.IDEA
    )
    started_in_park = forms.BooleanField(
        label=_("Started in the park"), required=False, help_text=_("Founded inside the park.")
    )
    supported_by_park = forms.BooleanField(
        label=_("Supported by the park"),
        required=False,
        help_text=_("Given a strong push by the park."),
    )

    def __init__(
        self,
        *args: Any,
        park: Park,
        directions: list[Direction],
        sites: list[Site],
        may_set_park_flags: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._directions = {str(d.pk): d for d in directions}
        self._sites = {str(s.pk): s for s in sites}
        self.fields["directions"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), direction_label(d)) for d in directions
        ]
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", _("— not at a site —")),
            *((str(s.pk), s.display_name) for s in sites),
        ]
        self.fields["region"].initial = park.region
        if not may_set_park_flags:
            for name in PARK_FLAG_FIELDS:
                del self.fields[name]

    def clean_inn(self) -> str:
        return str(self.cleaned_data["inn"]).strip()

    def clean_ogrn(self) -> str:
        return str(self.cleaned_data["ogrn"]).strip()

    def clean_directions(self) -> list[Direction]:
        return [self._directions[pk] for pk in self.cleaned_data["directions"]]

    def clean_site(self) -> Site | None:
        value = self.cleaned_data["site"]
        return self._sites[value] if value else None

    def company_fields(self) -> dict[str, Any]:
        """The cleaned values the services take as company fields (not stage, not directions)."""
        skip = {"directions", "stage", "stage_evidence", "position"}
        return {name: value for name, value in self.cleaned_data.items() if name not in skip}


class CompanyCreateForm(CompanyForm):
    """A new company; a founder who registers it joins its team with ``position``."""

    position = forms.CharField(
        label=_("Your position in the company"),
        max_length=120,
        required=False,
        initial=_("Founder"),
    )

    def __init__(self, *args: Any, joins_team: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not joins_team:
            del self.fields["position"]


class CompanyEditForm(CompanyForm):
    """A company's data; a new stage is recorded in its history with the evidence given."""

    stage_evidence = forms.CharField(
        label=_("Evidence for a new stage"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows the company reached the new stage: a prototype, first sales, …"),
    )

    @staticmethod
    def initial_for(company: Company) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(company, name)
            for name in (
                "short_name",
                "legal_name",
                "inn",
                "ogrn",
                "region",
                "is_sme",
                "founded_on",
                "website",
                "description",
                "stage",
                *PARK_FLAG_FIELDS,
            )
        }
        initial["site"] = str(company.site_id) if company.site_id else ""
        initial["directions"] = [str(d.pk) for d in company.directions.all()]
        return initial


class TeamMemberForm(ServiceErrorsMixin, forms.Form):
    """Add a park member to a company's team by their e-mail address."""

    service_error_fields = {"user": "email"}

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The person must already be a member of the park."),
    )
    position = forms.CharField(label=_("Position"), max_length=120)
    acts_for_company = forms.BooleanField(
        label=_("Acts for the company"),
        required=False,
        initial=True,
        help_text=_("May edit the company and apply, book and report for it."),
    )
