from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth keeps its rate limits (one confirmation mail per address every few minutes,
    # login attempts) and used TOTP codes in the cache; each test starts with none.
    cache.clear()
