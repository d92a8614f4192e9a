"""The product's settings, with the benchmark's URLs (the product's plus the ceiling view)."""

from technopark.settings import *  # noqa: F403 - the product's settings, unchanged but for the URLs

ROOT_URLCONF = "bench.bench_urls"
