"""The product's URLs plus ``/bench/ceiling/``: the cheapest page Django can serve here.

The ceiling goes through the same server, settings and middleware as every page, but its view does
nothing; its requests per second bound what any page can reach on this machine.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from technopark.urls import handler403, handler404, handler500
from technopark.urls import urlpatterns as product_urls


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench-ceiling"), *product_urls]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
