"""Placeholder: the intros part fills this module."""

urlpatterns: list = []
