"""The engineering documents in the API: a quote and a request's acceptance act as PDF.

The same rules as the pages (``rules.can_download_quote``, ``rules.can_download_act``): another
park's record, a confidential request outside the NDA, a draft quote to the company and an act
that does not exist yet are all a 404. The PDF is in the requester's language (the language
cookie, else ``Accept-Language``), as the pages give it.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Router

from technopark.api.auth import signed_in
from technopark.api.errors import ErrorOut, ValidationErrorOut, documented
from technopark.api.types import Id
from technopark.core.documents import pdf_response
from technopark.engineering import documents, queries, rules
from technopark.parks.http import access_of, park_of

router = Router(tags=["engineering"])

BASE = "/parks/{slug:park_slug}/engineering"
REFUSALS = (401, 404, 422)


def _pdf_operation(meaning: str) -> dict[str, Any]:
    """The ``response`` and ``openapi_extra`` of an operation that answers with a PDF."""
    return {
        "response": {code: ValidationErrorOut if code == 422 else ErrorOut for code in REFUSALS},
        "openapi_extra": {
            "responses": {
                # OpenAPI 3.1: a body of raw bytes has no schema, only its media type.
                200: {"description": meaning, "content": {"application/pdf": {}}},
                **documented({}, *REFUSALS)["openapi_extra"]["responses"],
            }
        },
    }


def _answer(data: bytes, filename: str) -> Any:
    response = pdf_response(data, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    f"{BASE}/quotes/{{quote_id}}/pdf",
    auth=signed_in,
    **_pdf_operation(
        "The quote as a PDF download (`Content-Disposition: attachment`, named after its "
        "number), in the requester's language."
    ),
    summary="A quote as PDF",
)
def quote_pdf(request: HttpRequest, park_slug: str, quote_id: Id) -> Any:
    """Whoever sees the request gets its sent, approved or closed quotes; a draft only the
    people who work on the request (the park's managers and admins, its assigned engineers)."""
    park = park_of(request)
    quote = queries.quote_in_park(park=park, pk=quote_id)
    if quote is None:
        raise Http404
    found = queries.request_in_park(park=park, pk=quote.request_id)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    if found is None or not rules.can_download_quote(access_of(request), quote, found, member_ids):
        raise Http404
    data = documents.render_quote(quote, found, language=translation.get_language())
    return _answer(data, documents.quote_filename(quote))


@router.get(
    f"{BASE}/requests/{{request_id}}/act/pdf",
    auth=signed_in,
    **_pdf_operation(
        "The acceptance act as a PDF download (`Content-Disposition: attachment`, named after "
        "its number), in the requester's language."
    ),
    summary="A request's acceptance act as PDF",
)
def act_pdf(request: HttpRequest, park_slug: str, request_id: Id) -> Any:
    """For a request whose work the company has accepted (or that is charged): 404 before."""
    park = park_of(request)
    found = queries.request_in_park(park=park, pk=request_id)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    if found is None or not rules.can_download_act(access_of(request), found, member_ids):
        raise Http404
    data = documents.render_act(found, language=translation.get_language())
    return _answer(data, documents.act_filename(found))
