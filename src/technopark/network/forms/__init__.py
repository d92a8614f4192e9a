"""Input shapes of the network pages, one module per part."""
