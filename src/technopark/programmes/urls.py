"""Pages of the programmes app, under ``/<park>/programmes/``."""

from django.urls import path

from technopark.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="programme_create"),
    path("mine/", views.my_programme, name="mine"),
    path("<int:programme_pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/fill/", views.cohort_fill, name="cohort_fill"),
    path("cohorts/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("cohorts/<int:pk>/dashboard/", views.cohort_dashboard, name="dashboard"),
    path("cohorts/<int:pk>/demo-day/", views.demo_day_edit, name="demo_day_edit"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="attendance"),
    path("participants/<int:pk>/", views.participant_detail, name="participant"),
    path("participants/<int:pk>/manage/", views.participant_manage, name="participant_manage"),
    path("participants/<int:pk>/stage/", views.stage_propose, name="stage_propose"),
    path("stage-proposals/<int:pk>/decide/", views.stage_decide, name="stage_decide"),
    path("demo-days/<int:pk>/", views.demo_day_detail, name="demo_day"),
    path("demo-days/<int:pk>/order/", views.demo_day_order, name="demo_day_order"),
    path("demo-days/<int:pk>/guests/", views.demo_day_invite, name="demo_day_invite"),
    path("demo-days/<int:pk>/feedback/", views.demo_day_feedback, name="demo_day_feedback"),
]
