from django.urls import path

from technopark.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("invitations/<str:secret>/", views.invitation_accept, name="invitation_accept"),
]
