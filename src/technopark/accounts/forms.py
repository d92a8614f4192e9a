"""Input shapes of the account pages and the people page. Rules live in services and rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.forms import InputRulesMixin
from technopark.parks.models import Role


class SignupForm(InputRulesMixin, forms.Form):
    """Extra fields on allauth's sign-up form (the adapter stores them on the new user)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def clean(self) -> dict[str, Any]:
        """allauth checks the password against the address only (its stand-in user has no
        name yet): the name is checked here, by the same rule as everywhere else."""
        data = super().clean() or {}
        password, full_name = data.get("password1"), data.get("full_name")
        if password and full_name:
            rule = UserAttributeSimilarityValidator(user_attributes=("full_name",))
            try:
                rule.validate(password, User(full_name=full_name))
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    def signup(self, request: HttpRequest, user: Any) -> None:
        """allauth's hook after the user is saved; ``AccountAdapter.save_user`` already kept the name."""


class ProfileForm(InputRulesMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class ApiTokenForm(InputRulesMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Reporting script”."),
    )


class InvitationForm(InputRulesMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
