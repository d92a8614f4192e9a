"""The input rules (``core.inputs``) hold on every form and every API schema of the project.

Both lists are enumerated from the code: the forms are every ``Form`` class defined in the
``technopark`` package, the schemas every model an API operation reads (its body, query and path
parameters, and the models nested in them).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import types
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from django import forms
from django.core.exceptions import ValidationError
from pydantic import AfterValidator, BaseModel

import technopark
from technopark.api import types as api_types
from technopark.api.api import api
from technopark.core.forms import InputRulesMixin
from technopark.core.inputs import check_day, check_text

pytestmark = pytest.mark.django_db


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(technopark.__path__, "technopark."):
        if module.name.endswith(".forms") or ".forms." in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type[Any]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("technopark.") and cls is not InputRulesMixin:
            found.append(cls)
    return found


def test_every_form_of_the_project_applies_the_input_rules() -> None:
    found = _project_forms()
    assert len(found) >= 50
    missing = [
        f"{cls.__module__}.{cls.__name__}" for cls in found if not issubclass(cls, InputRulesMixin)
    ]
    assert not missing


def _operation_models() -> list[type[BaseModel]]:
    models: list[type[BaseModel]] = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models.extend(operation.models)
    return models


_TEXT_RULES = {api_types._one_line, api_types._lines}


def _validators(metadata: tuple[Any, ...]) -> set[Any]:
    return {item.func for item in metadata if isinstance(item, AfterValidator)}


def _unruled(annotation: Any, metadata: tuple[Any, ...], where: str, seen: set[Any]) -> list[str]:
    """The text and date fields under ``annotation`` that lack the input rules."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *more = get_args(annotation)
        return _unruled(base, metadata + tuple(more), where, seen)
    if origin in (Union, types.UnionType, list, tuple, set, frozenset, dict):
        return [
            problem
            for argument in get_args(annotation)
            for problem in _unruled(argument, metadata, where, seen)
        ]
    if annotation is str:
        # a closed set of codes (a pattern) holds no control character either
        closed = any(getattr(item, "pattern", None) for item in metadata)
        return [] if _validators(metadata) & _TEXT_RULES or closed else [f"{where}: text"]
    if annotation in (dt.date, dt.datetime):
        return [] if api_types._day in _validators(metadata) else [f"{where}: date"]
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return []
        seen.add(annotation)
        return [
            problem
            for name, field in annotation.model_fields.items()
            for problem in _unruled(
                field.annotation, tuple(field.metadata), f"{annotation.__name__}.{name}", seen
            )
        ]
    return []


def test_every_text_and_date_an_api_operation_reads_follows_the_input_rules() -> None:
    models = _operation_models()
    assert len(models) >= 40
    seen: set[Any] = set()
    problems = {problem for model in models for problem in _unruled(model, (), "", seen)}
    # The park's slug in the path names a park (a lookup, never stored): an unknown one is a 404.
    problems.discard("PathParams.park_slug: text")
    assert not problems, "\n".join(sorted(problems))


@pytest.mark.parametrize(
    ("value", "multiline", "refused"),
    [
        ("plain text, «кириллица», emoji 🙂", False, False),
        ("tab\tis fine", False, False),
        ("\u202eright-to-left and zero\u200bwidth", False, False),
        ("two\nlines", False, True),
        ("two\nlines\r\nin a textarea", True, False),
        ("NUL\x00", True, True),
        ("bell\x07", True, True),
        ("escape\x1b[31m", True, True),
        ("delete\x7f", True, True),
        ("C1\x85", True, True),
    ],
)
def test_text_rules(value: str, multiline: bool, refused: bool) -> None:
    if refused:
        with pytest.raises(ValidationError) as caught:
            check_text(value, multiline=multiline)
        assert caught.value.code == "control_characters"
    else:
        check_text(value, multiline=multiline)


def test_day_rules() -> None:
    check_day(dt.date(1900, 1, 1))
    check_day(dt.datetime(2100, 12, 31, 23, 59, tzinfo=dt.UTC))
    for value in (dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(1899, 12, 31, 23, 0)):
        with pytest.raises(ValidationError):
            check_day(value)


class _Sample(InputRulesMixin, forms.Form):
    name = forms.CharField()
    notes = forms.CharField(widget=forms.Textarea, required=False)
    day = forms.DateField(required=False)
    count = forms.IntegerField(required=False)


def test_a_form_refuses_control_characters_dates_and_numbers_out_of_range_by_field() -> None:
    assert _Sample({"name": "A\tB", "notes": "one\r\ntwo"}).is_valid()
    form = _Sample({"name": "a\x07b", "notes": "one\x00", "day": "0001-01-01", "count": str(2**64)})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "notes", "day", "count"}
    assert "control character U+0007" in form.errors["name"][0]
    assert "between 1900-01-01 and 2100-12-31" in form.errors["day"][0]
    line_break = _Sample({"name": "two\nlines"})
    assert not line_break.is_valid()
    assert "one line" in line_break.errors["name"][0]


def test_the_messages_are_translated() -> None:
    from django.utils import translation

    with translation.override("ru"):
        form = _Sample({"name": "a\x07b", "day": "0001-01-01", "count": str(2**64)})
        assert not form.is_valid()
        assert "управляющ" in form.errors["name"][0]
        assert "Укажите дату" in form.errors["day"][0]
        assert "число поменьше" in form.errors["count"][0]
