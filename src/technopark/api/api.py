"""The JSON API, version 1: each app's router mounted under ``/api/v1/``.

OpenAPI at ``/api/v1/openapi.json``; the interactive docs at ``/api/v1/docs`` load swagger-ui
from django-ninja's own static files, nothing from another host.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from technopark.accounts.api import router as accounts_router
from technopark.api.auth import signed_in
from technopark.api.errors import install_error_handlers
from technopark.companies.api import router as companies_router
from technopark.engineering.api import router as engineering_router
from technopark.engineering.api_charges import router as engineering_charges_router
from technopark.engineering.api_documents import router as engineering_documents_router
from technopark.engineering.api_figures import router as figures_router
from technopark.engineering.api_work import router as engineering_work_router
from technopark.grants.api import router as grants_router
from technopark.network.api import router as network_router
from technopark.notices.api import router as notices_router
from technopark.parks.api import router as parks_router
from technopark.programmes.api import router as programmes_router
from technopark.residency.api import router as residency_router
from technopark.selection.api import router as selection_router
from technopark.spaces.api import router as spaces_router

api = NinjaAPI(
    title="Technopark API",
    version="1.0.0",
    description=(
        "Parks, directions, companies and the signed-in person.\n\n"
        "Authenticate with a personal token (`Authorization: Bearer tp_…`, made on the account "
        "page) or the browser session (unsafe methods then need the `X-CSRFToken` header).\n\n"
        'Errors: `{"detail": "…"}` for 400, 401, 403 and 404; '
        '`{"detail": [{"loc": ["body", "payload", "inn"], "msg": "…", "type": "…"}]}` for 422, '
        "one item per refused field."
    ),
    auth=signed_in,
    # swagger-ui would fetch a validity badge from validator.swagger.io: nothing from other hosts.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", parks_router)
api.add_router("", companies_router)
api.add_router("", selection_router)
api.add_router("", residency_router)
api.add_router("", spaces_router)
api.add_router("", programmes_router)
api.add_router("", grants_router)
api.add_router("", engineering_router)
api.add_router("", engineering_work_router)
api.add_router("", engineering_charges_router)
api.add_router("", notices_router)
api.add_router("", figures_router)
api.add_router("", engineering_documents_router)
api.add_router("", network_router)
