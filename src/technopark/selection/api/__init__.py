"""The selection API: each part contributes a router."""

from ninja import Router

from technopark.selection.api import applications, council, review

router = Router()
router.add_router("", applications.router)
router.add_router("", review.router)
router.add_router("", council.router)
