from django.urls import path

from staffdesk.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read", views.notification_read_all, name="read_all"),
    path("<id:notification_id>/read", views.notification_read, name="read"),
    path("<id:notification_id>/open", views.notification_open, name="open"),
]
