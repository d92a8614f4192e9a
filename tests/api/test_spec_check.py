"""The spec check itself: it must fail on what the API does not document, or it proves nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from jsonschema.exceptions import ValidationError as JsonSchemaError
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import InvalidData

from tests.api.conftest import assert_matches_spec


@pytest.fixture
def me_response(world):
    client = Client()
    client.force_login(world.users["manager"])
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    return response


def _rewrite(response, change):
    body = json.loads(response.content)
    change(body)
    response.content = json.dumps(body).encode()


def _schema_errors(error: InvalidData) -> str:
    return " ".join(str(item.message) for item in error.__cause__.schema_errors)


def test_a_documented_response_passes(openapi, me_response):
    assert_matches_spec(openapi, me_response)


def test_an_undocumented_field_fails(openapi, me_response):
    _rewrite(me_response, lambda body: body.update(password="oops"))
    with pytest.raises(InvalidData) as error:
        assert_matches_spec(openapi, me_response)
    assert "'password' was unexpected" in _schema_errors(error.value)


def test_an_undocumented_field_in_a_nested_object_fails(openapi, me_response):
    _rewrite(me_response, lambda body: body["memberships"][0].update(decided_by=1))
    with pytest.raises(InvalidData) as error:
        assert_matches_spec(openapi, me_response)
    assert "'decided_by' was unexpected" in _schema_errors(error.value)


def test_a_wrong_type_fails_even_where_openapi_core_would_cast_it(openapi, me_response):
    _rewrite(me_response, lambda body: body.update(id=str(body["id"])))
    with pytest.raises(JsonSchemaError, match="is not of type 'integer'"):
        assert_matches_spec(openapi, me_response)


def test_an_undocumented_status_code_fails(openapi, me_response):
    me_response.status_code = 409
    with pytest.raises(ResponseNotFound):
        assert_matches_spec(openapi, me_response)
