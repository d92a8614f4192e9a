"""The product's URLs plus two yardsticks that exist only in the benchmark.

- ``/bench/ceiling/``: the cheapest page Django can serve here. It goes through the same server,
  settings and middleware as every page, but its view does nothing; its requests per second bound
  what any page can reach on this machine.
- ``/<park>/bench/chrome/``: the frame every signed-in page of a park pays for before its own
  content (park and membership lookup, session, the page layout with its park switcher): an empty
  page rendered with ``base.html``. A page's cost minus this is the cost of its own content.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from technopark.urls import handler403, handler404, handler500
from technopark.urls import urlpatterns as product_urls


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def chrome(request: HttpRequest, park_slug: str) -> HttpResponse:
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench-ceiling"),
    path("<slug:park_slug>/bench/chrome/", chrome, name="bench-chrome"),
    *product_urls,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
