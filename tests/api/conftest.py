"""The API tests talk to the app only through ``ApiClient``, which checks every answer against the
OpenAPI spec the app itself serves at /api/v1/openapi.json.

The spec is made stricter for the tests: an object may not carry properties it does not document
(``additionalProperties: false``), so an undocumented field fails a test just as an undocumented
status code or a wrong type does.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_schema_validator import OAS31Validator

from technopark.accounts import services as account_services

CSRF_SECRET = "Kq7RkJ2p9XzT4mWc8VbN3hLd6FgYs1Ua"  # 32 characters, as Django's CSRF cookie holds
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _forbid_undocumented_properties(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _forbid_undocumented_properties(value) for key, value in node.items()}
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        return node
    if isinstance(node, list):
        return [_forbid_undocumented_properties(item) for item in node]
    return node


@pytest.fixture(scope="session")
def openapi_document() -> dict[str, Any]:
    """The spec as the app serves it (no database needed to build it)."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


@dataclass(frozen=True)
class Spec:
    """The app's spec, made strict (see the module docstring), as a dict and as openapi-core's."""

    document: dict[str, Any]
    openapi: OpenAPI


@pytest.fixture(scope="session")
def openapi(openapi_document: dict[str, Any]) -> Spec:
    strict = _forbid_undocumented_properties(copy.deepcopy(openapi_document))
    # from_dict also validates the document itself against the OpenAPI 3.1 schema.
    return Spec(document=strict, openapi=OpenAPI.from_dict(strict))


class _RequestOfResponse(DjangoOpenAPIRequest):
    """The request a response answered: its path and method pick the operation to check."""

    @property
    def body(self) -> bytes:
        # Only the response is checked; the request's body is not needed and may be unreadable
        # (a body over DATA_UPLOAD_MAX_MEMORY_SIZE raises on every read).
        return b""


def assert_matches_spec(spec: Spec, response: HttpResponse) -> None:
    """Raise unless the path, method, status code, content type and body are all documented."""
    spec.openapi.validate_response(
        _RequestOfResponse(response.wsgi_request),  # type: ignore[attr-defined]
        DjangoOpenAPIResponse(response),
    )
    _assert_exact_json_types(spec.document, response)


def _assert_exact_json_types(document: dict[str, Any], response: HttpResponse) -> None:
    # openapi-core casts "3" to 3 before it validates a body; check the JSON as it was sent.
    request = response.wsgi_request  # type: ignore[attr-defined]
    for template, operations in document["paths"].items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.path) and request.method.lower() in operations:
            documented = operations[request.method.lower()]["responses"][str(response.status_code)]
            if "application/json" not in documented.get("content", {}):
                # A file download: openapi-core has matched its media type against the spec.
                assert not response["Content-Type"].startswith("application/json")
                return
            schema = documented["content"]["application/json"]["schema"]
            # The components ride along so that "#/components/schemas/…" resolves from the root.
            validator = OAS31Validator({**schema, "components": document["components"]})
            validator.validate(json.loads(response.content))
            return
    raise AssertionError(f"{request.method} {request.path} is not in the spec")


def assert_documented_multipart(spec: Spec, response: HttpResponse, data: dict[str, Any]) -> None:
    """The operation documents a ``multipart/form-data`` body naming every part sent (a part
    the spec does not name would be silently ignored by the server)."""
    request = response.wsgi_request  # type: ignore[attr-defined]
    for template, operations in spec.document["paths"].items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.path) and "post" in operations:
            body = operations["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
            unknown = set(data) - set(body["properties"])
            assert not unknown, f"parts the spec does not document: {unknown}"
            return
    raise AssertionError(f"POST {request.path} is not in the spec")


class ApiClient:
    """A test client for the JSON API as one visitor; every response is checked against the spec.

    ``auth`` is ``"session"`` (signed in, sends the CSRF token on unsafe methods unless told not
    to), ``"token"`` (a fresh personal token in the Authorization header) or ``None``.
    """

    def __init__(self, spec: Spec, user: Any = None, auth: str | None = None) -> None:
        self.spec = spec
        self.user = user
        self.auth = auth
        # Django's test client skips CSRF checks unless asked: ask, so the tests see them.
        self.client = Client(enforce_csrf_checks=True)
        self.headers: dict[str, str] = {}
        self.token: Any = None
        if auth == "session":
            self.client.force_login(user)
            self.client.cookies["csrftoken"] = CSRF_SECRET
        elif auth == "token":
            self.token, secret = account_services.api_token_create(
                user=user, name="tests", scope="write"
            )
            self.headers["Authorization"] = f"Bearer {secret}"

    def request(
        self,
        method: str,
        path: str,
        data: Any = None,
        *,
        params: dict[str, Any] | None = None,
        body: bytes | str | None = None,
        csrf: bool = True,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        all_headers = {**self.headers, **(headers or {})}
        if self.auth == "session" and method in UNSAFE and csrf:
            all_headers["X-CSRFToken"] = CSRF_SECRET
        if body is None:
            body = json.dumps(data) if data is not None else ""
        response = self.client.generic(
            method,
            path,
            body,
            content_type="application/json",
            headers=all_headers,
            query_params=params,
        )
        assert_matches_spec(self.spec, response)
        return response

    def get(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, params=params, **kwargs)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, data, **kwargs)

    def patch(self, path: str, data: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("PATCH", path, data, **kwargs)

    def multipart(
        self,
        path: str,
        data: dict[str, Any],
        *,
        csrf: bool = True,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        """POST ``multipart/form-data``: ``data`` holds form values and files (``SimpleUploadedFile``
        or lists of them). The request's body must match the operation's documented multipart
        schema (field names); every answer is checked against the spec."""
        all_headers = {**self.headers, **(headers or {})}
        if self.auth == "session" and csrf:
            all_headers["X-CSRFToken"] = CSRF_SECRET
        response = self.client.post(path, data, headers=all_headers)
        assert_documented_multipart(self.spec, response, data)
        assert_matches_spec(self.spec, response)
        return response


@pytest.fixture
def api_for(world: Any, openapi: Spec) -> Callable[..., ApiClient]:
    """``api_for(role)``: the API as one of ``tests.conftest.ROLES``, by session or by token."""

    def make(role: str, auth: str = "session") -> ApiClient:
        if role == "anonymous":
            return ApiClient(openapi)
        return ApiClient(openapi, world.users[role], auth)

    return make


@pytest.fixture
def api_as(openapi: Spec) -> Callable[..., ApiClient]:
    """``api_as(user, auth)``: the API as any user (for people outside the ``world`` roles)."""

    def make(user: Any = None, auth: str | None = "session") -> ApiClient:
        return ApiClient(openapi, user, auth if user is not None else None)

    return make


def field_errors(response: HttpResponse) -> dict[str, list[str]]:
    """A 422 body as ``{"inn": ["…"], "query.limit": […]}``: the field's name for the body, the
    location and name for path and query parameters."""
    assert response.status_code == 422, response.content
    result: dict[str, list[str]] = {}
    for item in json.loads(response.content)["detail"]:
        loc = item["loc"]
        key = ".".join(str(part) for part in loc[2:]) if loc[:2] == ["body", "payload"] else ""
        if not key:
            key = ".".join(str(part) for part in loc)
        result.setdefault(key, []).append(item["msg"])
    return result
