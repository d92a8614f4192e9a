"""Pages of the network app, under /<park>/network/: each part's views module carries its own
``urlpatterns`` (``views/home.py``, ``profiles``, ``intros``, ``mentoring``, ``matching``)."""

from technopark.network.views import home, intros, matching, mentoring, profiles

app_name = "network"

urlpatterns = [
    *home.urlpatterns,
    *profiles.urlpatterns,
    *intros.urlpatterns,
    *mentoring.urlpatterns,
    *matching.urlpatterns,
]
