"""Pages of the residency app, under ``/<park>/residents/``."""

from django.urls import path

from technopark.residency import views

app_name = "residency"

urlpatterns = [
    path("", views.register, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("reports/", views.my_reports, name="my_reports"),
    path("reports/<id:company_pk>/file/", views.report_file, name="report_file"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_admit, name="staff_admit"),
    path("staff/overdue/", views.staff_overdue, name="staff_overdue"),
    path("staff/reports/", views.staff_reports, name="staff_reports"),
    path("staff/reports/<id:pk>/", views.staff_report_review, name="staff_report"),
    path("staff/reports/export.xlsx", views.staff_reports_xlsx, name="staff_reports_xlsx"),
    path("staff/<id:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<id:pk>/status/", views.staff_change, name="staff_change"),
]
