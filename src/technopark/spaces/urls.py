"""Pages of the spaces app, under /<park>/spaces/."""

from django.urls import path

from technopark.spaces import views
from technopark.spaces.views import bookings, incidents, resources, setup

app_name = "spaces"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("search/", views.search, name="search"),
    path("book/", views.book, name="book"),
    path("my/", views.my_bookings, name="my"),
    path("approvals/", views.approvals, name="approvals"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/mine/", resources.my_certificates, name="my_certificates"),
    path("training/", resources.training, name="training"),
    path("incidents/", incidents.incidents, name="incidents"),
    path("incidents/<id:pk>/", incidents.incident_detail, name="incident"),
    path("occupancy/", views.occupancy, name="occupancy"),
    path("occupancy.xlsx", views.occupancy_export, name="occupancy_export"),
    path("bookings/<id:pk>/", views.booking_detail, name="booking"),
    path("bookings/<id:pk>/move/", views.booking_move, name="move"),
    path("bookings/<id:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("bookings/<id:pk>/check-in/", views.booking_check_in, name="check_in"),
    path("bookings/<id:pk>/approve/", views.booking_approve, name="approve"),
    path("bookings/<id:pk>/reject/", views.booking_reject, name="reject"),
    path("waitlist/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/<id:pk>/accept/", views.waitlist_accept, name="waitlist_accept"),
    path("waitlist/<id:pk>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("feeds/", views.feed_create, name="feed_create"),
    path("pick/companies/", bookings.pick_company, name="pick_company"),
    path("pick/people/", resources.pick_person, name="pick_person"),
    path("certificates/<id:pk>/", setup.certificate_edit, name="certificate_edit"),
    path("certificates/<id:pk>/withdraw/", setup.certificate_withdraw, name="certificate_withdraw"),
    path("setup/resources/", setup.resources, name="setup_resources"),
    path("setup/resources/new/", setup.resource_edit, name="setup_resource_new"),
    path("setup/resources/<id:pk>/", setup.resource_edit, name="setup_resource"),
    path("setup/resources/<id:pk>/remove/", setup.resource_remove, name="setup_resource_remove"),
    path("setup/hours/", setup.hours, name="setup_hours"),
    path("setup/closures/", setup.closures, name="setup_closures"),
    path("setup/closures/<id:pk>/", setup.closures, name="setup_closure"),
    path("setup/closures/<id:pk>/delete/", setup.closure_delete, name="setup_closure_delete"),
    path("setup/rules/", setup.booking_rules, name="setup_rules"),
    path("setup/rules/<str:resource_type>/", setup.booking_rule_edit, name="setup_rule"),
    path(
        "setup/rules/<str:resource_type>/reset/",
        setup.booking_rule_reset,
        name="setup_rule_reset",
    ),
    path("feeds/<str:token>.ics", views.feed, name="feed"),
]
