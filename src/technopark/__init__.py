"""Technopark: the operating platform of a regional technology park."""
