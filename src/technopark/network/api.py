"""The network part of the API: each part's router (``api_profiles``, ``api_intros``,
``api_mentoring``, ``api_matching``) under ``/parks/{slug}/network``, mounted here.

The same rules as the pages (``network.rules``) and the same services: another park's record, a
hidden profile of someone else and an introduction one is not party to are 404; a refused write
is a 422 naming the field, in the reader's language.
"""

from __future__ import annotations

from ninja import Router

from technopark.network.api_intros import router as intros_router
from technopark.network.api_matching import router as matching_router
from technopark.network.api_mentoring import router as mentoring_router
from technopark.network.api_profiles import router as profiles_router

router = Router(tags=["network"])
router.add_router("", profiles_router)
router.add_router("", intros_router)
router.add_router("", mentoring_router)
router.add_router("", matching_router)
