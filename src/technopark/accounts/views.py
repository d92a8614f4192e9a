# Placeholder views; replaced by the account pages.
from django.http import HttpResponse


def profile(request):
    return HttpResponse("")


token_list = profile


def token_revoke(request, pk):
    return HttpResponse("")


def invitation_accept(request, secret):
    return HttpResponse("")


def members(request, park_slug):
    return HttpResponse("")
