"""Placeholder: the matching part fills this module."""

from ninja import Router

router = Router(tags=["network"])
