from django.urls import path

from technopark.accounts import views

app_name = "people"

urlpatterns = [
    path("", views.members, name="members"),
    path("invite/", views.invitation_create, name="invite"),
    path("invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("requests/<id:pk>/approve/", views.membership_approve, name="approve"),
    path("requests/<id:pk>/decline/", views.membership_decline, name="decline"),
    path("memberships/<id:pk>/remove/", views.membership_remove, name="remove"),
]
