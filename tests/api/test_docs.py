"""The OpenAPI document and the interactive docs page, which must work without the internet."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from openapi_core import OpenAPI


class _ExternalRefs(HTMLParser):
    """Collects the addresses of every script, stylesheet, image and icon a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value is not None:
                self.refs.append(value)


def test_openapi_document_is_valid_and_lists_every_endpoint(openapi_document):
    OpenAPI.from_dict(openapi_document)  # raises when the document breaks the OpenAPI schema
    assert openapi_document["openapi"].startswith("3.1")
    paths = openapi_document["paths"]
    # Every endpoint and its methods, listed on purpose: a new one is added here knowingly.
    expected = {
        "/api/v1/me": {"get"},
        "/api/v1/parks": {"get"},
        "/api/v1/parks/{park_slug}": {"get"},
        "/api/v1/parks/{park_slug}/directions": {"get"},
        "/api/v1/parks/{park_slug}/companies": {"get", "post"},
        "/api/v1/parks/{park_slug}/companies/{company_id}": {"get", "patch"},
        "/api/v1/parks/{park_slug}/calls": {"get"},
        "/api/v1/parks/{park_slug}/calls/{call_id}": {"get"},
        "/api/v1/parks/{park_slug}/calls/{call_id}/applications": {"get"},
        "/api/v1/parks/{park_slug}/calls/{call_id}/archive": {"post"},
        "/api/v1/parks/{park_slug}/calls/{call_id}/eligibility/confirm": {"post"},
        "/api/v1/parks/{park_slug}/applications": {"get", "post"},
        "/api/v1/parks/{park_slug}/applications/{application_id}": {"get", "patch"},
        "/api/v1/parks/{park_slug}/applications/{application_id}/submit": {"post"},
        "/api/v1/parks/{park_slug}/applications/{application_id}/eligibility": {"post"},
        "/api/v1/parks/{park_slug}/applications/{application_id}/eligibility/rerun": {"post"},
        "/api/v1/parks/{park_slug}/applications/{application_id}/withdraw": {"post"},
        "/api/v1/parks/{park_slug}/applications/{application_id}/decision-notice": {"get"},
        "/api/v1/parks/{park_slug}/reviews": {"get"},
        "/api/v1/parks/{park_slug}/reviews/{assignment_id}": {"get", "patch"},
        "/api/v1/parks/{park_slug}/reviews/{assignment_id}/file": {"post"},
        "/api/v1/parks/{park_slug}/reviews/{assignment_id}/recuse": {"post"},
        "/api/v1/parks/{park_slug}/council/calls/{call_id}/ranking": {"get"},
        "/api/v1/parks/{park_slug}/council/calls/{call_id}/decisions": {"post"},
        "/api/v1/parks/{park_slug}/council/calls/{call_id}/applications/{application_id}": {"get"},
        "/api/v1/parks/{park_slug}/council/calls/{call_id}/applications/{application_id}/decisions": {
            "post"
        },
        "/api/v1/parks/{park_slug}/residents": {"get"},
        "/api/v1/parks/{park_slug}/resident-reports": {"get", "post"},
        "/api/v1/parks/{park_slug}/resident-reports/mine": {"get"},
        "/api/v1/parks/{park_slug}/resident-reports/overdue": {"get"},
        "/api/v1/parks/{park_slug}/resident-reports/{report_id}/review": {"post"},
        "/api/v1/parks/{park_slug}/network/suggestions": {"get"},
        "/api/v1/parks/{park_slug}/network/matching/weights": {"get", "put"},
        "/api/v1/parks/{park_slug}/network/matching/runs": {"get", "post"},
        "/api/v1/parks/{park_slug}/network/matching/runs/{run_id}": {"get"},
        "/api/v1/parks/{park_slug}/network/matching/runs/{run_id}/publish": {"post"},
        "/api/v1/parks/{park_slug}/network/matching/runs/{run_id}/discard": {"post"},
        "/api/v1/parks/{park_slug}/network/matching/runs/{run_id}/proposals": {"post"},
        "/api/v1/parks/{park_slug}/network/matching/proposals/{proposal_id}": {"delete"},
        "/api/v1/parks/{park_slug}/spaces/resources": {"get"},
        "/api/v1/parks/{park_slug}/spaces/free": {"get"},
        "/api/v1/parks/{park_slug}/spaces/bookings": {"get", "post"},
        "/api/v1/parks/{park_slug}/spaces/bookings/{booking_id}": {"patch"},
        "/api/v1/parks/{park_slug}/spaces/bookings/{booking_id}/cancel": {"post"},
        "/api/v1/parks/{park_slug}/spaces/certificates": {"get"},
        "/api/v1/parks/{park_slug}/spaces/training-sessions": {"get", "post"},
        "/api/v1/parks/{park_slug}/spaces/incidents": {"get", "post"},
        "/api/v1/parks/{park_slug}/spaces/incidents/{incident_id}/close": {"post"},
        "/api/v1/parks/{park_slug}/engineering/requests": {"get", "post"},
        "/api/v1/parks/{park_slug}/engineering/requests/{request_id}": {"get"},
        "/api/v1/parks/{park_slug}/engineering/requests/{request_id}/transition": {"post"},
        "/api/v1/parks/{park_slug}/engineering/requests/{request_id}/quotes": {"get"},
        "/api/v1/parks/{park_slug}/engineering/quotes/{quote_id}/approve": {"post"},
        "/api/v1/parks/{park_slug}/engineering/figures": {"get"},
        "/api/v1/parks/{park_slug}/engineering/requests/{request_id}/work": {"get"},
        "/api/v1/parks/{park_slug}/engineering/work/{work_order_id}/tasks": {"post"},
        "/api/v1/parks/{park_slug}/engineering/work/{work_order_id}/time": {"get", "post"},
        "/api/v1/parks/{park_slug}/engineering/time/{entry_id}/stop": {"post"},
        "/api/v1/parks/{park_slug}/engineering/work/{work_order_id}/instruments": {"post"},
        "/api/v1/parks/{park_slug}/engineering/requests/{request_id}/charge": {"get", "post"},
        "/api/v1/parks/{park_slug}/engineering/charge-lines/{line_id}/adjustments": {"post"},
        "/api/v1/parks/{park_slug}/engineering/adjustments/{adjustment_id}/decision": {"post"},
        "/api/v1/parks/{park_slug}/engineering/quotes/{quote_id}/pdf": {"get"},
        "/api/v1/parks/{park_slug}/engineering/requests/{request_id}/act/pdf": {"get"},
        "/api/v1/parks/{park_slug}/programmes": {"get"},
        "/api/v1/parks/{park_slug}/programmes/mine": {"get"},
        "/api/v1/parks/{park_slug}/cohorts/{cohort_id}": {"get"},
        "/api/v1/parks/{park_slug}/cohorts/{cohort_id}/sessions": {"get", "post"},
        "/api/v1/parks/{park_slug}/sessions/{session_id}/attendance": {"get", "put"},
        "/api/v1/parks/{park_slug}/participants/{participant_id}/seat": {"post", "delete"},
        "/api/v1/parks/{park_slug}/participants/{participant_id}/seat/choices": {"get"},
        "/api/v1/parks/{park_slug}/demo-days/{demo_day_id}/guests": {"get", "post"},
        "/api/v1/parks/{park_slug}/demo-day-guests/{guest_id}/resend": {"post"},
        "/api/v1/parks/{park_slug}/demo-day-guests/{guest_id}/revoke": {"post"},
        "/api/v1/parks/{park_slug}/demo-days/{demo_day_id}/feedback": {"get"},
        "/api/v1/parks/{park_slug}/demo-days/{demo_day_id}/feedback/mine": {"get", "put"},
        "/api/v1/parks/{park_slug}/grants": {"get", "post"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}": {"get"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/tranches": {"post"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/tranches/{tranche_id}/approvals": {"post"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/tranches/{tranche_id}/payment": {"post"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/cancellation": {"post"},
        "/api/v1/parks/{park_slug}/grants-policy": {"get", "put"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/tranches/{tranche_id}/cancellation": {"post"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/clawbacks": {"post"},
        # Issue 19, API parity: application files, milestones, reports and their files.
        "/api/v1/parks/{park_slug}/applications/{application_id}/answers/{field_id}/file": {
            "post",
            "delete",
        },
        "/api/v1/parks/{park_slug}/applications/{application_id}/files": {"get"},
        "/api/v1/parks/{park_slug}/applications/{application_id}/files/{answer_id}": {"get"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/milestones": {"get", "post"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/milestones/{milestone_id}/reports": {
            "get",
            "post",
        },
        "/api/v1/parks/{park_slug}/grants/{grant_id}/reports/{report_id}/review": {"post"},
        "/api/v1/parks/{park_slug}/grants/{grant_id}/attachments/{attachment_id}": {"get"},
        "/api/v1/parks/{park_slug}/network/introductions": {"get", "post"},
        "/api/v1/parks/{park_slug}/network/introductions/{intro_id}": {"get"},
        "/api/v1/parks/{park_slug}/network/introductions/{intro_id}/accept": {"post"},
        "/api/v1/parks/{park_slug}/network/introductions/{intro_id}/decline": {"post"},
        "/api/v1/parks/{park_slug}/network/introductions/{intro_id}/withdraw": {"post"},
        # Issue 13, network: mentoring pairings and their sessions.
        "/api/v1/parks/{park_slug}/network/pairings": {"get", "post"},
        "/api/v1/parks/{park_slug}/network/pairings/{pairing_id}": {"get"},
        "/api/v1/parks/{park_slug}/network/pairings/{pairing_id}/sessions": {"get", "post"},
        "/api/v1/parks/{park_slug}/network/pairings/{pairing_id}/sessions/{session_id}/rating": {
            "post"
        },
        "/api/v1/parks/{park_slug}/network/pairings/{pairing_id}/fit": {"post"},
        "/api/v1/parks/{park_slug}/network/pairings/{pairing_id}/end": {"post"},
        # Issue 13, the network: profiles, needs and bookmarks.
        "/api/v1/parks/{park_slug}/network/profiles": {"get", "post"},
        "/api/v1/parks/{park_slug}/network/profiles/{profile_id}": {"get", "patch"},
        "/api/v1/parks/{park_slug}/network/companies/{company_id}/needs": {"get", "post"},
        "/api/v1/parks/{park_slug}/network/companies/{company_id}/bookmarks": {"get", "post"},
        "/api/v1/parks/{park_slug}/network/companies/{company_id}/bookmarks/{profile_id}": {
            "delete"
        },
        "/api/v1/notices": {"get"},
        "/api/v1/notices/{notice_id}/read": {"post"},
        "/api/v1/notices/read": {"post"},
    }
    assert {path: set(operations) for path, operations in paths.items()} == expected


def test_openapi_documents_error_codes_and_shapes(openapi_document):
    operation = openapi_document["paths"]["/api/v1/parks/{park_slug}/companies"]["post"]
    assert set(operation["responses"]) == {"201", "400", "401", "403", "404", "422"}
    schemas = openapi_document["components"]["schemas"]
    assert set(schemas["ValidationErrorOut"]["properties"]) == {"detail"}
    assert set(schemas["FieldErrorOut"]["required"]) == {"loc", "msg", "type"}
    assert set(openapi_document["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


def test_public_endpoints_need_no_authentication(openapi_document):
    paths = openapi_document["paths"]
    assert "security" not in paths["/api/v1/parks"]["get"]
    assert paths["/api/v1/me"]["get"]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]


def test_docs_page_loads_only_local_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    parser = _ExternalRefs()
    parser.feed(page)
    assert parser.refs, "the page loads swagger-ui"
    for ref in parser.refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        assert "http" not in ref
    # Every file the page loads is shipped by django-ninja, so collectstatic and whitenoise serve it.
    for ref in parser.refs:
        assert finders.find(ref.removeprefix("/static/")) is not None, ref


def test_docs_page_turns_off_the_remote_spec_validator(client):
    # swagger-ui otherwise shows a badge image fetched from validator.swagger.io.
    page = client.get("/api/v1/docs").content.decode()
    settings_json = re.search(r'id="swagger-settings">(.*?)</script>', page, re.S)
    assert settings_json is not None
    swagger_settings = json.loads(settings_json.group(1))
    assert swagger_settings["validatorUrl"] is None
    assert swagger_settings["url"] == "/api/v1/openapi.json"


def test_every_refusal_says_what_it_means(openapi_document):
    generic = {"Bad Request", "Unauthorized", "Forbidden", "Not Found", "Unprocessable Entity"}
    for operations in openapi_document["paths"].values():
        for operation in operations.values():
            for code, answer in operation["responses"].items():
                if code.startswith("4"):
                    assert answer["description"] not in generic, (operation["operationId"], code)
                    assert "content" in answer, (operation["operationId"], code)


def test_no_two_schemas_share_a_name() -> None:
    """django-ninja names an OpenAPI component after the schema's class: two classes with one name
    would silently describe each other's responses."""
    import importlib
    import pkgutil

    from ninja import Schema

    import technopark

    seen: dict[str, str] = {}
    clashes = []
    for module_info in pkgutil.walk_packages(technopark.__path__, "technopark."):
        if ".schemas" not in module_info.name or "migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and value is not Schema:
                if value.__module__ != module.__name__:
                    continue  # imported, not defined here
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen.setdefault(name, module.__name__)
    assert len(seen) > 50
    assert clashes == []
