from django.urls import path

from staffdesk.core.views_pending import pending

app_name = "notifications"
urlpatterns = [
    path("", pending, name="list"),
]
