"""Pages of the programmes app, under ``/<park>/programmes/``."""

from django.urls import path

from technopark.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="programme_create"),
    path("mine/", views.my_programme, name="mine"),
    path("<id:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<id:pk>/remove/", views.programme_remove, name="programme_remove"),
    path("<id:pk>/restore/", views.programme_restore, name="programme_restore"),
    path("cohorts/<id:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<id:pk>/remove/", views.cohort_remove, name="cohort_remove"),
    path("cohorts/<id:pk>/restore/", views.cohort_restore, name="cohort_restore"),
    path("sessions/<id:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<id:pk>/remove/", views.session_remove, name="session_remove"),
    path("<id:programme_pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<id:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<id:pk>/fill/", views.cohort_fill, name="cohort_fill"),
    path("cohorts/<id:pk>/sessions/new/", views.session_create, name="session_create"),
    path("cohorts/<id:pk>/dashboard/", views.cohort_dashboard, name="dashboard"),
    path("cohorts/<id:pk>/demo-day/", views.demo_day_edit, name="demo_day_edit"),
    path("sessions/<id:pk>/attendance/", views.session_attendance, name="attendance"),
    path("participants/<id:pk>/", views.participant_detail, name="participant"),
    path("participants/<id:pk>/manage/", views.participant_manage, name="participant_manage"),
    path("participants/<id:pk>/seat/", views.participant_seat_allocate, name="seat_allocate"),
    path("participants/<id:pk>/seat/release/", views.participant_seat_release, name="seat_release"),
    path("participants/<id:pk>/stage/", views.stage_propose, name="stage_propose"),
    path("stage-proposals/<id:pk>/decide/", views.stage_decide, name="stage_decide"),
    path("demo-days/<id:pk>/", views.demo_day_detail, name="demo_day"),
    path("demo-days/<id:pk>/order/", views.demo_day_order, name="demo_day_order"),
    path("demo-days/<id:pk>/guests/", views.demo_day_invite, name="demo_day_invite"),
    path("demo-days/<id:pk>/feedback/", views.demo_day_feedback, name="demo_day_feedback"),
    path("demo-days/<id:pk>/feedback.csv", views.demo_day_feedback_export, name="feedback_export"),
    path("demo-day-guests/<id:pk>/resend/", views.guest_resend, name="guest_resend"),
    path("demo-day-guests/<id:pk>/revoke/", views.guest_revoke, name="guest_revoke"),
    path("demo-days/<id:pk>/guest/<str:token>/", views.guest_feedback, name="guest_feedback"),
]
