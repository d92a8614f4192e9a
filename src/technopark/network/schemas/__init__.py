"""Shapes of the network API, one module per part."""
