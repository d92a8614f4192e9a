from django.urls import path

from technopark.parks import views

app_name = "parks"

urlpatterns = [
    path("", views.park_home, name="home"),
    path("join/", views.membership_request_create, name="join"),
    path("settings/", views.park_settings, name="settings"),
    path("settings/sites/<id:pk>/", views.site_edit, name="site_edit"),
    path("settings/sites/<id:pk>/remove/", views.site_remove, name="site_remove"),
    path("settings/sites/<id:pk>/restore/", views.site_restore, name="site_restore"),
    path("settings/directions/<id:pk>/", views.direction_edit, name="direction_edit"),
    path("settings/directions/<id:pk>/remove/", views.direction_remove, name="direction_remove"),
    path("settings/directions/<id:pk>/restore/", views.direction_restore, name="direction_restore"),
]
