"""Pages of the council part (mounted at ``/<park>/``, namespace "selection")."""

from django.urls import URLPattern, path

from technopark.selection.views import council as views

urlpatterns: list[URLPattern] = [
    path("calls/<id:call_id>/council/", views.council_ranking, name="council_ranking"),
    path("calls/<id:call_id>/council/batch/", views.council_batch, name="council_batch"),
    path(
        "calls/<id:call_id>/council/<id:application_id>/",
        views.council_decision,
        name="council_decision",
    ),
]
