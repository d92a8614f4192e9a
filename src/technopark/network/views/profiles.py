"""Placeholder: the profiles part fills this module."""

urlpatterns: list = []
