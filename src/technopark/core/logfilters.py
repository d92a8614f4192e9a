"""Filters of log records: no secret that sits in a page's path reaches a log.

An outside guest's demo-day link carries its secret in the path
(``/<park>/programmes/demo-days/<id>/guest/<secret>/``), and Django's ``django.request`` logger
writes the path of every 4xx/5xx answer at WARNING (``django.server`` every request, under
``runserver``). ``MaskGuestLinks`` replaces the secret with ``…`` in the record's message and
arguments; settings put it on both loggers, so every handler those records reach (the console,
the admins' mail, a test's capture) sees the masked path.
"""

from __future__ import annotations

import logging
import re
from typing import Any

GUEST_SECRET = re.compile(r"(/guest/)[^/\s?#\"']+")
MASK = "…"


def mask_guest_links(text: str) -> str:
    """``text`` with the secret of every ``/guest/<secret>`` segment replaced by ``…``."""
    return GUEST_SECRET.sub(rf"\g<1>{MASK}", text)


def _masked(value: Any) -> Any:
    return mask_guest_links(value) if isinstance(value, str) else value


class MaskGuestLinks(logging.Filter):
    """Mask guest-link secrets in a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_masked(value) for value in record.args)
        return True
