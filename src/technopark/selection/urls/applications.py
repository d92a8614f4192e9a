"""Pages of the applications part: calls (public and staff), applications, screening."""

from django.urls import URLPattern, path

from technopark.selection.views import applications as app_views
from technopark.selection.views import calls as call_views

urlpatterns: list[URLPattern] = [
    path("calls/", call_views.call_list, name="call_list"),
    path("calls/<id:call_id>/", call_views.call_detail, name="call_detail"),
    path("calls/<id:call_id>/apply/", call_views.call_apply, name="call_apply"),
    path("calls/manage/", call_views.call_manage_list, name="call_manage_list"),
    path("calls/manage/new/", call_views.call_create, name="call_create"),
    path("calls/manage/<id:call_id>/", call_views.call_edit, name="call_edit"),
    path("calls/manage/<id:call_id>/publish/", call_views.call_publish, name="call_publish"),
    path("calls/manage/<id:call_id>/close/", call_views.call_close, name="call_close"),
    path("calls/manage/<id:call_id>/archive/", call_views.call_archive, name="call_archive"),
    path("calls/manage/<id:call_id>/form/", call_views.call_form, name="call_form"),
    path(
        "calls/manage/<id:call_id>/form/<id:field_id>/",
        call_views.call_field_edit,
        name="call_field_edit",
    ),
    path(
        "calls/manage/<id:call_id>/form/<id:field_id>/remove/",
        call_views.call_field_remove,
        name="call_field_remove",
    ),
    path(
        "calls/manage/<id:call_id>/form/<id:field_id>/move/",
        call_views.call_field_move,
        name="call_field_move",
    ),
    path("calls/manage/<id:call_id>/criteria/", call_views.call_criteria, name="call_criteria"),
    path(
        "calls/manage/<id:call_id>/criteria/<id:criterion_id>/",
        call_views.call_criterion_edit,
        name="call_criterion_edit",
    ),
    path(
        "calls/manage/<id:call_id>/criteria/<id:criterion_id>/remove/",
        call_views.call_criterion_remove,
        name="call_criterion_remove",
    ),
    path("calls/manage/<id:call_id>/screening/", call_views.call_screening, name="call_screening"),
    path(
        "calls/manage/<id:call_id>/screening/confirm/",
        call_views.call_screening_confirm,
        name="call_screening_confirm",
    ),
    path(
        "calls/manage/<id:call_id>/screening/<id:application_id>/rerun/",
        call_views.call_screening_rerun,
        name="call_screening_rerun",
    ),
    path("applications/", app_views.application_list, name="application_list"),
    path("applications/<id:pk>/", app_views.application_detail, name="application_detail"),
    path("applications/<id:pk>/edit/", app_views.application_edit, name="application_edit"),
    path("applications/<id:pk>/submit/", app_views.application_submit, name="application_submit"),
    path(
        "applications/<id:pk>/withdraw/",
        app_views.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<id:pk>/answer/", app_views.application_answer, name="application_answer"),
    path(
        "applications/<id:pk>/request-info/",
        app_views.application_request_info,
        name="application_request_info",
    ),
    path(
        "applications/<id:pk>/eligibility/",
        app_views.application_eligibility,
        name="application_eligibility",
    ),
    path(
        "applications/<id:pk>/checks/<id:check_id>/",
        app_views.application_check_decide,
        name="application_check_decide",
    ),
    path(
        "applications/<id:pk>/files/<id:answer_id>/",
        app_views.application_file,
        name="application_file",
    ),
]
