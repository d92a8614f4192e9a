from django.urls import path

from technopark.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<id:notice_id>/read/", views.mark_read, name="mark_read"),
]
