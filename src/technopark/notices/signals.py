"""Signals of notices, for the apps above that keep something derived from them."""

from __future__ import annotations

from django.dispatch import Signal

#: sent with ``user_ids`` (a list) when those people's unread notices may have changed: at once
#: and again when the transaction commits (``accounts`` drops its cached user then)
unread_changed = Signal()
