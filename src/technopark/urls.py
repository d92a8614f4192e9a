from django.contrib import admin
from django.urls import include, path

from technopark.accounts import views as account_views
from technopark.api.api import api
from technopark.parks import views as park_views

urlpatterns = [
    path("", park_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("technopark.accounts.urls")),
    path("me/", account_views.me, name="me"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("inbox/", include("technopark.notices.urls")),
    path("<slug:park_slug>/", include("technopark.parks.urls")),
    path("<slug:park_slug>/companies/", include("technopark.companies.urls")),
    path("<slug:park_slug>/people/", include("technopark.accounts.park_urls")),
    path("<slug:park_slug>/", include("technopark.selection.urls")),
    path("<slug:park_slug>/residents/", include("technopark.residency.urls")),
    path("<slug:park_slug>/spaces/", include("technopark.spaces.urls")),
    path("<slug:park_slug>/programmes/", include("technopark.programmes.urls")),
    path("<slug:park_slug>/grants/", include("technopark.grants.urls")),
    path("<slug:park_slug>/engineering/", include("technopark.engineering.urls")),
    path("<slug:park_slug>/network/", include("technopark.network.urls")),
]

handler403 = "technopark.parks.views.error_403"
handler404 = "technopark.parks.views.error_404"
handler500 = "technopark.parks.views.error_500"
