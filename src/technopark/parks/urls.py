from django.urls import path

from technopark.parks import views

app_name = "parks"

urlpatterns = [
    path("", views.park_home, name="home"),
    path("join/", views.membership_request_create, name="join"),
    path("settings/", views.park_settings, name="settings"),
]
