"""Background work, one module per part."""
