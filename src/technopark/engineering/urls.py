"""Pages of the engineering app, under /<park>/engineering/."""

from django.urls import path

from technopark.engineering.views import (
    charges,
    documents,
    figures,
    queue,
    quotes,
    requests,
    setup,
    work,
)

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
    path("figures/", figures.figures_page, name="figures"),
    path("figures.xlsx", figures.figures_export, name="figures_xlsx"),
    path("board/", work.board, name="board"),
    path("work/<id:pk>/", work.work_order, name="work_order"),
    path("work/<id:pk>/tasks/", work.task_add, name="task_add"),
    path("work/<id:pk>/timer/", work.timer_start, name="timer_start"),
    path("work/<id:pk>/time/", work.time_log, name="time_log"),
    path("work/<id:pk>/instruments/", work.instrument_link, name="instrument_link"),
    path("work/<id:pk>/instruments/book/", work.work_booking, name="work_booking"),
    path("work/<id:pk>/deliveries/", work.delivery_set, name="delivery_set"),
    path("tasks/<id:pk>/", work.task_update, name="task_update"),
    path("time/<id:pk>/", work.time_edit, name="time_edit"),
    path("time/<id:pk>/stop/", work.timer_stop, name="timer_stop"),
    path("time/<id:pk>/delete/", work.time_delete, name="time_delete"),
    path("charges/", charges.month, name="charges"),
    path("requests/<id:pk>/charge/", charges.charge_create, name="charge_create"),
    path("charge-lines/<id:pk>/dispute/", charges.charge_line_dispute, name="charge_dispute"),
    path("adjustments/<id:pk>/decide/", charges.adjustment_decide, name="adjustment_decide"),
    path("quotes/<id:pk>.pdf", documents.quote_pdf, name="quote_pdf"),
    path("requests/<id:pk>/act.pdf", documents.act_pdf, name="act_pdf"),
]
