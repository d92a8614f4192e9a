"""Placeholder: the matching part fills this module."""

urlpatterns: list = []
