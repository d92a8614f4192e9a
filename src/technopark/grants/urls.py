"""Pages of the grants app, under ``/<park>/grants/``."""

from django.urls import path

from technopark.grants import views

app_name = "grants"

urlpatterns = [
    path("", views.grant_list, name="list"),
    path("export.xlsx", views.grants_xlsx, name="export"),
    path("mine/", views.my_grants, name="my_grants"),
    path("new/", views.award_create, name="award_create"),
    path("policy/", views.grant_policy, name="policy"),
    path("<id:pk>/", views.award_detail, name="detail"),
    path("<id:pk>/cancel/", views.award_cancel, name="award_cancel"),
    path("<id:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<id:pk>/tranches/", views.tranche_request, name="tranche_request"),
    path(
        "<id:pk>/tranches/<id:tranche_pk>/approve/", views.tranche_approve, name="tranche_approve"
    ),
    path("<id:pk>/tranches/<id:tranche_pk>/pay/", views.tranche_pay, name="tranche_pay"),
    path("<id:pk>/tranches/<id:tranche_pk>/cancel/", views.tranche_cancel, name="tranche_cancel"),
    path("<id:pk>/clawbacks/", views.clawback, name="clawback"),
    path("<id:pk>/reports/<id:report_pk>/review/", views.report_review, name="report_review"),
    path("milestones/<id:milestone_pk>/report/", views.report_file, name="report_file"),
    path("files/<id:pk>/", views.attachment, name="attachment"),
]
