from django.urls import path

from technopark.accounts import views

app_name = "people"

urlpatterns = [
    path("", views.members, name="members"),
    path("invite/", views.invitation_create, name="invite"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("requests/<int:pk>/approve/", views.membership_approve, name="approve"),
    path("requests/<int:pk>/decline/", views.membership_decline, name="decline"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="remove"),
]
