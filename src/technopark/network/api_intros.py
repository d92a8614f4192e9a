"""Placeholder: the intros part fills this module."""

from ninja import Router

router = Router(tags=["network"])
