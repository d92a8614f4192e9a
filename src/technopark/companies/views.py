# Placeholder views; replaced by the companies pages.
from django.http import HttpResponse


def company_list(request, park_slug):
    return HttpResponse("")


company_export = company_create = company_list


def company_detail(request, park_slug, pk):
    return HttpResponse("")


company_edit = company_detail
