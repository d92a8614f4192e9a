"""Hostile text through every form and every API schema: stored verbatim or refused, shown
escaped, never a 5xx, and every export still opens afterwards.

Nothing is listed by hand but the demo's path ids:

- **the forms** are the ``<form>``s of every page reached by crawling the demo park as several
  roles (``test_malformed_params.crawl``); every text field of each (``<textarea>``, ``<input>``
  of type text or search) gets the hostile value, the other fields keep what the page put there;
- **the API schemas** are the request bodies of every operation in the OpenAPI document; a body
  is built from its JSON schema with the hostile value in every free-text property.

The hostile values are script and attribute injections, a ``javascript:`` address, a
right-to-left override, a zero-width space and (once per form and operation) a 3 MB string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from technopark.companies.models import Company
from technopark.grants.models import GrantAward, Tranche
from technopark.parks.models import Park
from technopark.programmes.models import Cohort, CurriculumSession
from technopark.selection.models import Application, Call, ReviewAssignment
from technopark.spaces.models import Booking
from tests.security.conftest import demo_client
from tests.security.test_exports_neutralise import (
    _download,
    _texts_of_csv,
    _texts_of_workbook,
)
from tests.security.test_malformed_params import crawl

HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "\u202egnp.exe",
    "zero\u200bwidth",
)
HUGE_TEXT = "A" * (3 * 1024 * 1024)
ROLES = ("manager", "founder", "expert")
# What an unescaped hostile value would look like in a page.
RAW = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", 'href="javascript:alert(1)"')
TEXT_INPUTS = {"text", "search", ""}


@dataclass
class FormSeen:
    page: str
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, value) as submitted
    texts: list[str] = field(default_factory=list)  # names of the free-text fields


class _Forms(HTMLParser):
    """The forms of a page: their action, method and fields with the values the page set."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[FormSeen] = []
        self.current: FormSeen | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.current = FormSeen(
                self.page,
                urljoin(self.page, a.get("action") or self.page),
                a.get("method", "get").lower(),
            )
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.current.fields.append((a["name"], a.get("value", "")))
            if kind in TEXT_INPUTS:
                self.current.texts.append(a["name"])
        elif tag == "textarea":
            self.textarea = a["name"]
            self.current.fields.append((a["name"], ""))
            self.current.texts.append(a["name"])
        elif tag == "select":
            self.select, self.select_value = a["name"], None
        elif (
            tag == "option"
            and self.select is not None
            and (self.select_value is None or "selected" in a)
        ):
            self.select_value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select" and self.current is not None and self.select is not None:
            if self.select_value not in (None, ""):
                self.current.fields.append((self.select, self.select_value or ""))
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def _forms_of(client: Client, page: str) -> list[FormSeen]:
    response = client.get(page)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = _Forms(page)
    parser.feed(response.content.decode())
    return [form for form in parser.forms if form.texts]


def _filled(form: FormSeen, value: str) -> list[tuple[str, str]]:
    return [(name, value if name in form.texts else old) for name, old in form.fields]


def _assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where} shows {raw!r} unescaped"


def _stored_texts() -> set[str]:
    """Every text of every row (JSON values walked), to find what was stored verbatim."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if names:
            for row in model._base_manager.values_list(*names):
                walk(list(row))
    return found


@dataclass
class Outcome:
    stored: list[tuple[str, str]] = field(default_factory=list)  # (where, value)
    refused: int = 0
    problems: list[str] = field(default_factory=list)


def _submit_forms(park: Park, pages: list[tuple[str, str]], outcome: Outcome) -> int:
    clients = {role: demo_client(role) for role in {role for role, _ in pages}}
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    count = 0
    for role, page in pages:
        client = clients[role]
        for form in _forms_of(client, page):
            key = (form.action.split("?")[0], form.method, tuple(sorted(form.texts)))
            if key in seen:
                continue
            seen.add(key)
            count += 1
            for value in (*HOSTILE, HUGE_TEXT):
                data = _filled(form, value)
                where = f"{role} {form.method.upper()} {form.action} ({', '.join(form.texts)})"
                if form.method == "get":
                    response = client.get(f"{form.action.split('?')[0]}?{urlencode(data)}")
                else:
                    response = client.post(
                        form.action,
                        urlencode(data),
                        content_type="application/x-www-form-urlencoded",
                    )
                if response.status_code >= 500:
                    outcome.problems.append(f"{where}: {response.status_code}")
                    continue
                body = response.content.decode(errors="replace") if not response.streaming else ""
                _assert_escaped(body, where)
                if form.method == "get":
                    continue
                if response.status_code in (301, 302, 303):
                    outcome.stored.append((where, value))
                    _assert_escaped(client.get(response["Location"]).content.decode(), where)
                elif response.status_code >= 400 or 'class="errorlist' in body:
                    outcome.refused += 1  # a 4xx, or the form again with its message
                else:
                    outcome.stored.append((where, value))  # answered in place (a new token)
    return count


_PATH_IDS: dict[str, Any] = {
    "company_id": Company,
    "application_id": Application,
    "assignment_id": ReviewAssignment,
    "call_id": Call,
    "booking_id": Booking,
    "cohort_id": Cohort,
    "session_id": CurriculumSession,
    "grant_id": GrantAward,
    "tranche_id": Tranche,
}


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _sample(document: dict[str, Any], schema: dict[str, Any], text: str) -> Any:
    """A value of ``schema`` with ``text`` in every free-text string."""
    schema = _resolve(document, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            variants = [v for v in schema[key] if _resolve(document, v).get("type") != "null"]
            return _sample(document, variants[0], text)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _sample(document, sub, text) for name, sub in properties.items()}
    if kind == "array":
        return [_sample(document, schema.get("items", {}), text)]
    if kind == "string":
        if schema.get("format") == "date":
            return "2030-01-15"
        if schema.get("format") == "date-time":
            return "2030-01-15T10:00:00+09:00"
        if "pattern" in schema or schema.get("format") == "decimal":
            return "1000.00"
        return text
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    return text


def _has_text(value: Any, text: str) -> bool:
    if isinstance(value, str):
        return value == text
    if isinstance(value, dict):
        return any(_has_text(item, text) for item in value.values())
    if isinstance(value, list):
        return any(_has_text(item, text) for item in value)
    return False


def _submit_api(park: Park, outcome: Outcome) -> int:
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    clients = {role: demo_client(role) for role in ROLES}
    ids = {
        name: model._base_manager.order_by("pk").values_list("pk", flat=True).first()
        for name, model in _PATH_IDS.items()
    }
    count = 0
    for template, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            schema = content["application/json"]["schema"]
            path = template.replace("{park_slug}", park.slug)
            path = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1)) or 1), path)
            if not _has_text(_sample(document, schema, HOSTILE[0]), HOSTILE[0]):
                continue  # no free text in this body (ids, flags, numbers)
            count += 1
            for value in (*HOSTILE, HUGE_TEXT):
                body = json.dumps(_sample(document, schema, value))
                for role in ROLES:  # the first role the operation lets in
                    response = clients[role].generic(
                        method.upper(), path, body, content_type="application/json"
                    )
                    if response.status_code not in (401, 403):
                        break
                where = f"{role} {method.upper()} {template}"
                if response.status_code >= 500:
                    outcome.problems.append(f"{where}: {response.status_code}")
                elif response.status_code < 300:
                    answer = json.loads(response.content)
                    if not _has_text(answer, value):
                        outcome.stored.append((where, value))  # checked in the database
                else:
                    assert json.loads(response.content)["detail"], where  # a clear refusal
                    outcome.refused += 1
    return count


@pytest.mark.django_db
def test_hostile_text_is_stored_verbatim_or_refused_and_always_shown_escaped(
    seeded: Park,
) -> None:
    park = seeded
    pages = crawl(park, ("manager", "founder", "expert", "anonymous"))
    outcome = Outcome()
    forms = _submit_forms(park, pages, outcome)
    operations = _submit_api(park, outcome)
    assert forms >= 20 and operations >= 10  # the enumeration reached the site and the API
    assert not outcome.problems, "\n".join(outcome.problems)
    # what was accepted is stored as it was sent, not mangled
    stored = _stored_texts()
    mangled = [f"{where}: {value[:40]!r}" for where, value in outcome.stored if value not in stored]
    assert not mangled, "\n".join(mangled)
    assert outcome.stored and outcome.refused
    # every page shows it escaped, to every role
    clients = {role: demo_client(role) for role in ("manager", "founder", "expert", "anonymous")}
    for role, page in pages:
        response = clients[role].get(page)
        assert response.status_code < 500, (role, page)
        if not getattr(response, "streaming", False):
            _assert_escaped(response.content.decode(errors="replace"), f"{role} {page}")
    # and every export still downloads and opens
    manager = clients["manager"]
    for url in (f"/{park.slug}/companies/export.csv", f"/{park.slug}/residents/register.csv"):
        assert list(_texts_of_csv(_download(manager, url)))
    for url in (f"/{park.slug}/grants/export.xlsx", f"/{park.slug}/spaces/occupancy.xlsx"):
        assert list(_texts_of_workbook(_download(manager, url)))
