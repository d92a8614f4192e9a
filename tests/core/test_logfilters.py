"""The log filter that keeps guest-link secrets out of the logs."""

from __future__ import annotations

import logging

from technopark.core.logfilters import MaskGuestLinks, mask_guest_links

SECRET = "Zq3_-xY9abcdefghijklmnopqrstuvwxyz0123456789A"


def record(msg, args):
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, args, None)


def test_the_secret_of_a_guest_path_is_masked_in_message_and_arguments():
    path = f"/yakutia/programmes/demo-days/4/guest/{SECRET}/"
    for rec in (
        record("%s: %s", ("Gone", path)),
        record(f"Bad Request: {path}", ()),
        record("%(path)s", ({"path": path},)),
    ):
        assert MaskGuestLinks().filter(rec) is True
        message = rec.getMessage()
        assert SECRET not in message and "/guest/…/" in message


def test_other_text_is_left_as_it_is():
    assert mask_guest_links("/yakutia/programmes/guests/4/") == "/yakutia/programmes/guests/4/"
    assert mask_guest_links('"GET /x/guest/abc?x=1 HTTP/1.1" 404') == (
        '"GET /x/guest/…?x=1 HTTP/1.1" 404'
    )
    rec = record("%d requests", (3,))
    assert MaskGuestLinks().filter(rec) and rec.getMessage() == "3 requests"


def test_the_request_loggers_carry_the_filter():
    for name in ("django.request", "django.server"):
        assert any(isinstance(f, MaskGuestLinks) for f in logging.getLogger(name).filters)
