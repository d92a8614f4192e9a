from django.urls import path

from technopark.companies import views

app_name = "companies"

urlpatterns = [
    path("", views.company_list, name="list"),
    path("export.csv", views.company_export, name="export"),
    path("new/", views.company_create, name="create"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/edit/", views.company_edit, name="edit"),
    path("<int:pk>/team/", views.team_member_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.team_member_remove, name="team_remove"),
    path(
        "<int:pk>/team/invitations/<int:invitation_pk>/",
        views.team_invitation_answer,
        name="team_invitation_answer",
    ),
]
