"""Placeholder: the mentoring part fills this module."""

urlpatterns: list = []
