from django.urls import path

from technopark.accounts import views

app_name = "people"

urlpatterns = [
    path("", views.members, name="members"),
]
