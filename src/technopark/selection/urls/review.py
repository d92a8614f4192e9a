"""Pages of the review part (mounted at ``/<park>/``, namespace "selection")."""

from django.urls import URLPattern, path

from technopark.selection.views import review as views

urlpatterns: list[URLPattern] = [
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/<id:assignment_id>/", views.review_detail, name="review_detail"),
    path("reviews/<id:assignment_id>/recuse/", views.review_recuse, name="review_recuse"),
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/pick/", views.expert_pick, name="expert_pick"),
    path("experts/conflicts/", views.expert_conflicts, name="expert_conflicts"),
    path(
        "experts/conflicts/<id:conflict_id>/withdraw/",
        views.expert_conflict_drop,
        name="expert_conflict_drop",
    ),
    path("experts/companies/pick/", views.company_pick, name="company_pick"),
    path("experts/me/", views.expert_profile, name="expert_profile"),
    path("experts/me/conflicts/", views.expert_conflict_add, name="expert_conflict_add"),
    path(
        "experts/me/conflicts/<id:conflict_id>/withdraw/",
        views.expert_conflict_remove,
        name="expert_conflict_remove",
    ),
    path("calls/<id:call_id>/assignments/", views.assignment_board, name="assignment_board"),
    path(
        "calls/<id:call_id>/assignments/propose/",
        views.assignment_propose,
        name="assignment_propose",
    ),
    path(
        "calls/<id:call_id>/assignments/publish/",
        views.assignment_publish,
        name="assignment_publish",
    ),
    path("calls/<id:call_id>/assignments/add/", views.assignment_add, name="assignment_add"),
    path(
        "calls/<id:call_id>/assignments/pick/applications/",
        views.assignment_pick_application,
        name="assignment_pick_application",
    ),
    path(
        "calls/<id:call_id>/assignments/capacity/",
        views.assignment_capacity,
        name="assignment_capacity",
    ),
    path(
        "calls/<id:call_id>/assignments/<id:assignment_id>/remove/",
        views.assignment_remove,
        name="assignment_remove",
    ),
    path(
        "calls/<id:call_id>/assignments/<id:assignment_id>/swap/",
        views.assignment_swap,
        name="assignment_swap",
    ),
]
