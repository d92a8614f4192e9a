"""The quote and the acceptance act as PDF downloads, in the reader's language.

Whoever sees the request may download them (``rules.can_download_quote``,
``rules.can_download_act``); to anyone else — another park, another company, an observer, someone
outside the NDA — they do not exist (404), and a draft quote does not exist to the company."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from technopark.core.documents import pdf_response
from technopark.engineering import documents, rules
from technopark.engineering.views._common import quote_or_404, request_or_404, visitor
from technopark.parks.http import access_of


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def quote_pdf(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """A quote as PDF: sent, approved or closed ones to whoever sees the request; a draft only to
    the people who work on it."""
    who = visitor(request)
    quote, found = quote_or_404(request, pk, who)
    if not rules.can_download_quote(access_of(request), quote, found, who.member_ids):
        raise Http404(_("No such quote in this park."))
    language = translation.get_language()
    data = documents.render_quote(quote, found, language=language)
    return _private(pdf_response(data, filename=documents.quote_filename(quote)))


@login_required
@require_GET
def act_pdf(request: HttpRequest, park_slug: str, pk: int) -> HttpResponse:
    """The acceptance act of a request whose work is accepted (or charged)."""
    who = visitor(request)
    found = request_or_404(request, pk, who)
    if not rules.can_download_act(access_of(request), found, who.member_ids):
        raise Http404(_("This request has no acceptance act yet."))
    language = translation.get_language()
    data = documents.render_act(found, language=language)
    return _private(pdf_response(data, filename=documents.act_filename(found)))
