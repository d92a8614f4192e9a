"""Pages of the grants app, under ``/<park>/grants/``."""

from django.urls import path

from technopark.grants import views

app_name = "grants"

urlpatterns = [
    path("", views.grant_list, name="list"),
    path("export.xlsx", views.grants_xlsx, name="export"),
    path("mine/", views.my_grants, name="my_grants"),
    path("new/", views.award_create, name="award_create"),
    path("<int:pk>/", views.award_detail, name="detail"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/tranches/", views.tranche_request, name="tranche_request"),
    path(
        "<int:pk>/tranches/<int:tranche_pk>/approve/", views.tranche_approve, name="tranche_approve"
    ),
    path("<int:pk>/tranches/<int:tranche_pk>/pay/", views.tranche_pay, name="tranche_pay"),
    path("<int:pk>/tranches/<int:tranche_pk>/cancel/", views.tranche_cancel, name="tranche_cancel"),
    path("<int:pk>/clawbacks/", views.clawback, name="clawback"),
    path("<int:pk>/reports/<int:report_pk>/review/", views.report_review, name="report_review"),
    path("milestones/<int:milestone_pk>/report/", views.report_file, name="report_file"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
]
