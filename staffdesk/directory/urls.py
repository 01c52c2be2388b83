from django.urls import path

from staffdesk.core.views_pending import pending

app_name = "directory"
urlpatterns = [
    path("", pending, name="profile"),
]
