"""Every write of the engineering app. One module per part: the catalogue (services, prices,
settings), requests (filing, assigning, changes of state through ``workflow``), quotes
(drafts, lines, sending, approvals, versions), charges (billing an accepted request to the
company or a grant budget line, and the adjustments to it); what they share is ``_common`` (numbering,
sides, the locking order). The names callers use are re-exported here."""

from technopark.engineering.services._common import (
    company_side,
    is_assigned_engineer,
    number_next,
    staff_side,
)
from technopark.engineering.services.catalogue import (
    SERVICE_FIELDS,
    engineering_settings_set,
    service_create,
    service_price_set,
    service_update,
)
from technopark.engineering.services.charges import (
    AlreadyCharged,
    ChargeResult,
    Delivered,
    LineExceeded,
    adjustment_decide,
    adjustment_request,
    charge_create,
    charge_lines_for,
)
from technopark.engineering.services.quotes import (
    quote_approve,
    quote_create,
    quote_decline,
    quote_line_add,
    quote_line_remove,
    quote_materials_add,
    quote_revise,
    quote_send,
    quotes_expire,
)
from technopark.engineering.services.requests import (
    request_assign,
    request_create,
    request_transition,
)

__all__ = [
    "SERVICE_FIELDS",
    "AlreadyCharged",
    "ChargeResult",
    "Delivered",
    "LineExceeded",
    "adjustment_decide",
    "adjustment_request",
    "charge_create",
    "charge_lines_for",
    "company_side",
    "engineering_settings_set",
    "is_assigned_engineer",
    "number_next",
    "quote_approve",
    "quote_create",
    "quote_decline",
    "quote_line_add",
    "quote_line_remove",
    "quote_materials_add",
    "quote_revise",
    "quote_send",
    "quotes_expire",
    "request_assign",
    "request_create",
    "request_transition",
    "service_create",
    "service_price_set",
    "service_update",
    "staff_side",
]
