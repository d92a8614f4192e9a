"""``ServiceErrorsMixin``: a service's refusal lands next to its field, or above the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from technopark.core.forms import ServiceErrorsMixin


class _PersonForm(ServiceErrorsMixin, forms.Form):
    service_error_fields = {"user": "email"}

    email = forms.EmailField()
    position = forms.CharField()


def _form() -> _PersonForm:
    form = _PersonForm({"email": "a@example.com", "position": "CTO"})
    assert form.is_valid()
    return form


def test_a_message_for_a_field_is_shown_at_that_field() -> None:
    form = _form()
    form.add_service_error(ValidationError({"position": "Too long."}))
    assert form.errors == {"position": ["Too long."]}


def test_a_renamed_input_is_shown_at_the_field_that_asks_for_it() -> None:
    form = _form()
    form.add_service_error(ValidationError({"user": "Not a member of the park."}))
    assert form.errors == {"email": ["Not a member of the park."]}


def test_unknown_and_non_field_keys_and_plain_lists_go_above_the_form() -> None:
    form = _form()
    form.add_service_error(ValidationError({"company": "Closed.", NON_FIELD_ERRORS: "Too late."}))
    form.add_service_error(ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["Closed.", "Too late.", "First.", "Second."]
    assert set(form.errors) == {NON_FIELD_ERRORS}


def test_the_error_code_survives() -> None:
    form = _form()
    form.add_service_error(ValidationError({"position": ValidationError("Taken.", code="taken")}))
    assert form.has_error("position", code="taken")
