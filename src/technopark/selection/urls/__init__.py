"""The selection pages, mounted at ``/<park>/``; each part lists its own paths."""

from technopark.selection.urls import applications, council, review

app_name = "selection"
urlpatterns = [*applications.urlpatterns, *review.urlpatterns, *council.urlpatterns]
