"""Pages of the engineering app, under /<park>/engineering/."""

from django.urls import path

from technopark.engineering.views import documents, queue, quotes, requests, setup

app_name = "engineering"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("my/", requests.my_requests, name="my_requests"),
    path("new/", requests.request_new, name="request_new"),
    path("requests/<id:pk>/", requests.request_detail, name="request"),
    path("requests/<id:pk>/transition/", requests.request_transition, name="transition"),
    path("requests/<id:pk>/assign/", requests.request_assign, name="assign"),
    path("requests/<id:pk>/quotes/new/", quotes.quote_create, name="quote_create"),
    path("quotes/<id:pk>/", quotes.quote_edit, name="quote"),
    path("quotes/<id:pk>/lines/", quotes.quote_line_add, name="quote_line_add"),
    path("quotes/<id:pk>/materials/", quotes.quote_materials_add, name="quote_materials_add"),
    path("quotes/<id:pk>/send/", quotes.quote_send, name="quote_send"),
    path("quotes/<id:pk>/revise/", quotes.quote_revise, name="quote_revise"),
    path("quotes/<id:pk>/approve/", quotes.quote_approve, name="quote_approve"),
    path("quotes/<id:pk>/decline/", quotes.quote_decline, name="quote_decline"),
    path("lines/<id:pk>/remove/", quotes.quote_line_remove, name="quote_line_remove"),
    path("setup/", setup.catalogue, name="setup"),
    path("setup/settings/", setup.settings_save, name="setup_settings"),
    path("setup/services/new/", setup.service_edit, name="setup_service_new"),
    path("setup/services/<id:pk>/", setup.service_edit, name="setup_service"),
    path("setup/services/<id:pk>/prices/", setup.price_add, name="setup_price"),
    path("quotes/<id:pk>.pdf", documents.quote_pdf, name="quote_pdf"),
    path("requests/<id:pk>/act.pdf", documents.act_pdf, name="act_pdf"),
]
