from django.urls import path

from staffdesk.core.views_pending import pending

app_name = "catalog"
urlpatterns = [
    path("", pending, name="index"),
]
