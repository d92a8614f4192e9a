"""Empty every cache (the default one and the page cache): what a first visit finds."""

from django.conf import settings
from django.core.cache import caches


def clear_caches() -> None:
    for alias in settings.CACHES:
        caches[alias].clear()
