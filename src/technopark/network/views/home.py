"""Placeholder: the home part fills this module."""

urlpatterns: list = []
