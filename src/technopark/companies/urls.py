from django.urls import path

from technopark.companies import views

app_name = "companies"

urlpatterns = [
    path("", views.company_list, name="list"),
    path("export.csv", views.company_export, name="export"),
    path("new/", views.company_create, name="create"),
    path("<id:pk>/", views.company_detail, name="detail"),
    path("<id:pk>/edit/", views.company_edit, name="edit"),
    path("<id:pk>/team/", views.team_member_add, name="team_add"),
    path("<id:pk>/team/<id:member_pk>/remove/", views.team_member_remove, name="team_remove"),
    path(
        "<id:pk>/team/invitations/<id:invitation_pk>/",
        views.team_invitation_answer,
        name="team_invitation_answer",
    ),
]
