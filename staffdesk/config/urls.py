from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from staffdesk.config import views
from staffdesk.config.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalog/", include("staffdesk.catalog.urls")),
    path("requests/", include("staffdesk.requests.urls")),
    path("me/", include("staffdesk.directory.urls")),
    path("notifications/", include("staffdesk.notifications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
