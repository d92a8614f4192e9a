"""The API's error bodies, and the handlers that give every refusal one of two shapes.

* ``{"detail": "…"}`` — 400, 401, 403, 404: what went wrong, in the visitor's language.
* ``{"detail": [{"loc": […], "msg": "…", "type": "…"}]}`` — 422: each field that was refused.
  ``loc`` is the path to the field: ``["query", "limit"]``, ``["path", "id"]`` or
  ``["body", "payload", "inn"]``. Refusals from the services (a Django ``ValidationError`` naming
  a model field) take the same shape, with the field under ``["body", "payload"]``.

The messages are in the requester's language: Django's ``LocaleMiddleware`` activates it for every
request, API ones included (the language cookie set by the site's language switch, else the
``Accept-Language`` header, else the site's default). pydantic writes its own messages in English
only, so each refusal is translated here by its ``type`` (``missing``, ``string_too_long``…), the
limits it names (``ctx``: ``max_length``, ``ge``…) put into the translation; a type not listed
keeps pydantic's message. The checks of ``api.types`` already speak the requester's language.

A 500 is a bug: unexpected exceptions are not turned into JSON here, Django reports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

# Request bodies are always one parameter named ``payload``; service errors are placed under it.
BODY_LOC: tuple[str, ...] = ("body", "payload")


class ErrorOut(Schema):
    """A refusal that is not about one field."""

    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """Input that was refused, field by field."""

    detail: list[FieldErrorOut]


# What each refusal means, for the OpenAPI document (developer documentation, in English).
_MEANINGS = {
    400: "The body is not JSON, or is too large to read.",
    401: "Nobody is signed in (no session, no token), or the token is invalid or revoked.",
    403: "Signed in but not allowed, or a session request without its CSRF token.",
    404: "No such park (a private park counts as none to non-members), or no such record in it.",
    422: "Input refused: one item per refused field, which `loc` names.",
}


def documented(ok: dict[int, Any], *error_codes: int) -> dict[str, Any]:
    """The ``response`` and ``openapi_extra`` of an operation: its success and its refusals.

    ``@router.get(path, **documented({200: ThingOut}, 401, 404))``.
    """
    return {
        "response": {
            **ok,
            **{code: ValidationErrorOut if code == 422 else ErrorOut for code in error_codes},
        },
        "openapi_extra": {
            "responses": {code: {"description": _MEANINGS[code]} for code in error_codes}
        },
    }


def field_errors_from_django(error: DjangoValidationError) -> list[dict[str, Any]]:
    """A service's ``ValidationError`` as 422 items, each naming its field under the body."""
    if not hasattr(error, "error_dict"):
        return [
            {"loc": list(BODY_LOC), "msg": str(message), "type": "invalid"}
            for message in error.messages
        ]
    items: list[dict[str, Any]] = []
    for name, errors in error.error_dict.items():
        loc = list(BODY_LOC) if name == NON_FIELD_ERRORS else [*BODY_LOC, name]
        for item in errors:
            for message in item.messages:
                items.append({"loc": loc, "msg": str(message), "type": item.code or "invalid"})
    return items


def _count(ctx: Mapping[str, Any], key: str) -> int:
    try:
        return int(ctx.get(key, 0))
    except (TypeError, ValueError):
        return 0


def _choices(ctx: Mapping[str, Any]) -> str:
    # pydantic lists the choices as "'a', 'b' or 'c'"; keep the values, translate the "or".
    expected = str(ctx.get("expected", ""))
    head, separator, last = expected.rpartition(" or ")
    if not separator:
        return expected
    return _("%(choices)s or %(last)s") % {"choices": head, "last": last}


def _number(ctx: Mapping[str, Any]) -> str:
    return _("Enter a number.")


def _integer(ctx: Mapping[str, Any]) -> str:
    return _("Enter a whole number.")


def _date(ctx: Mapping[str, Any]) -> str:
    return _("Enter a valid date (YYYY-MM-DD).")


def _moment(ctx: Mapping[str, Any]) -> str:
    return _("Enter a valid date and time (YYYY-MM-DDTHH:MM:SS).")


def _boolean(ctx: Mapping[str, Any]) -> str:
    return _("Enter true or false.")


def _object(ctx: Mapping[str, Any]) -> str:
    return _("Send an object here.")


# pydantic's error types, each with its message in the requester's language.
PYDANTIC_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: pgettext("API validation", "This field is required."),
    "string_type": lambda ctx: _("Enter text."),
    "string_too_short": lambda ctx: (
        ngettext(
            "Enter at least %(min_length)d character.",
            "Enter at least %(min_length)d characters.",
            _count(ctx, "min_length"),
        )
        % {"min_length": _count(ctx, "min_length")}
    ),
    "string_too_long": lambda ctx: (
        ngettext(
            "Enter at most %(max_length)d character.",
            "Enter at most %(max_length)d characters.",
            _count(ctx, "max_length"),
        )
        % {"max_length": _count(ctx, "max_length")}
    ),
    "string_pattern_mismatch": lambda ctx: _("Enter a value in the expected format."),
    "int_type": _integer,
    "int_parsing": _integer,
    "int_parsing_size": lambda ctx: _("Give a smaller number."),
    "int_from_float": lambda ctx: _("Enter a whole number, without a fractional part."),
    "float_type": _number,
    "float_parsing": _number,
    "decimal_type": _number,
    "decimal_parsing": _number,
    "finite_number": lambda ctx: _("Enter a finite number."),
    "decimal_max_digits": lambda ctx: (
        ngettext(
            "Enter at most %(n)d digit in all.",
            "Enter at most %(n)d digits in all.",
            _count(ctx, "max_digits"),
        )
        % {"n": _count(ctx, "max_digits")}
    ),
    "decimal_max_places": lambda ctx: (
        ngettext(
            "Enter at most %(n)d digit after the decimal point.",
            "Enter at most %(n)d digits after the decimal point.",
            _count(ctx, "decimal_places"),
        )
        % {"n": _count(ctx, "decimal_places")}
    ),
    "decimal_whole_digits": lambda ctx: (
        ngettext(
            "Enter at most %(n)d digit before the decimal point.",
            "Enter at most %(n)d digits before the decimal point.",
            _count(ctx, "whole_digits"),
        )
        % {"n": _count(ctx, "whole_digits")}
    ),
    "greater_than": lambda ctx: (
        _("Enter a value greater than %(limit)s.") % {"limit": ctx.get("gt")}
    ),
    "greater_than_equal": lambda ctx: (
        _("Enter a value of at least %(limit)s.") % {"limit": ctx.get("ge")}
    ),
    "less_than": lambda ctx: _("Enter a value less than %(limit)s.") % {"limit": ctx.get("lt")},
    "less_than_equal": lambda ctx: (
        _("Enter a value of at most %(limit)s.") % {"limit": ctx.get("le")}
    ),
    "multiple_of": lambda ctx: _("Enter a multiple of %(n)s.") % {"n": ctx.get("multiple_of")},
    "bool_type": _boolean,
    "bool_parsing": _boolean,
    "date_type": _date,
    "date_parsing": _date,
    "date_from_datetime_parsing": _date,
    "date_from_datetime_inexact": lambda ctx: _("Enter a date without a time."),
    "datetime_type": _moment,
    "datetime_parsing": _moment,
    "datetime_from_date_parsing": _moment,
    "timezone_aware": lambda ctx: _("Give the time with its time zone offset."),
    "uuid_type": lambda ctx: _("Enter a valid UUID."),
    "uuid_parsing": lambda ctx: _("Enter a valid UUID."),
    "enum": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": _choices(ctx)},
    "literal_error": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": _choices(ctx)},
    "list_type": lambda ctx: _("Send a list here."),
    "too_short": lambda ctx: (
        ngettext(
            "Give at least %(n)d item.", "Give at least %(n)d items.", _count(ctx, "min_length")
        )
        % {"n": _count(ctx, "min_length")}
    ),
    "too_long": lambda ctx: (
        ngettext("Give at most %(n)d item.", "Give at most %(n)d items.", _count(ctx, "max_length"))
        % {"n": _count(ctx, "max_length")}
    ),
    "dict_type": _object,
    "model_type": _object,
    "model_attributes_type": _object,
    "extra_forbidden": lambda ctx: _("This field is not expected here."),
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
}


def translated_message(item: Mapping[str, Any]) -> str:
    """pydantic's refusal ``item`` in the active language; its own message for an unknown type."""
    maker = PYDANTIC_MESSAGES.get(str(item.get("type", "")))
    if maker is not None:
        ctx = item.get("ctx")
        return maker(ctx if isinstance(ctx, Mapping) else {})
    return str(item.get("msg", "")).removeprefix("Value error, ")


def _field_errors_from_ninja(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Keep the documented keys only: pydantic adds hints (ctx, url) whose shape is its own.
    return [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in item.get("loc", ())],
            "msg": translated_message(item),
            "type": str(item.get("type", "invalid")),
        }
        for item in errors
    ]


def _detail(api: NinjaAPI, request: HttpRequest, status: int, message: str) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


def _on_validation_error(
    request: HttpRequest, exc: NinjaValidationError, api: NinjaAPI
) -> HttpResponse:
    body = {"detail": _field_errors_from_ninja(exc.errors)}
    return api.create_response(request, body, status=422)


def _on_service_error(
    request: HttpRequest, exc: DjangoValidationError, api: NinjaAPI
) -> HttpResponse:
    body = {"detail": field_errors_from_django(exc)}
    return api.create_response(request, body, status=422)


def _on_authentication_error(
    request: HttpRequest, exc: AuthenticationError, api: NinjaAPI
) -> HttpResponse:
    response = _detail(
        api, request, 401, _("Sign in, or send a personal API token as a Bearer token.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


def _on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    if exc.status_code == 400:
        # ninja's own wording for a body that is not JSON; say it in the visitor's language.
        return _detail(api, request, 400, _("The request body is not valid JSON."))
    return _detail(api, request, exc.status_code, str(exc))


def _on_permission_denied(
    request: HttpRequest, exc: PermissionDenied, api: NinjaAPI
) -> HttpResponse:
    message = str(exc) or _("You may not do this.")
    return _detail(api, request, 403, message)


def _on_not_found(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    return _detail(api, request, 404, _("Not found."))


def _on_suspicious(request: HttpRequest, exc: SuspiciousOperation, api: NinjaAPI) -> HttpResponse:
    # An oversized body (RequestDataTooBig) and the like: the client's fault, not a crash.
    return _detail(api, request, 400, _("The request could not be read."))


def install_error_handlers(api: NinjaAPI) -> None:
    """Give every refusal the API's shapes (see the module docstring)."""
    api.add_exception_handler(NinjaValidationError, partial(_on_validation_error, api=api))
    api.add_exception_handler(DjangoValidationError, partial(_on_service_error, api=api))
    api.add_exception_handler(AuthenticationError, partial(_on_authentication_error, api=api))
    api.add_exception_handler(HttpError, partial(_on_http_error, api=api))
    api.add_exception_handler(PermissionDenied, partial(_on_permission_denied, api=api))
    api.add_exception_handler(Http404, partial(_on_not_found, api=api))
    api.add_exception_handler(SuspiciousOperation, partial(_on_suspicious, api=api))
