from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from staffdesk.config.api import api

urlpatterns = [
    # First: every API call is resolved without trying the web's patterns (~25 us a call).
    path("api/v1/", api.urls),
    path("", include("staffdesk.portal.urls")),
    path("signin/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalog/", include("staffdesk.catalog.urls")),
    path("", include("staffdesk.announcements.urls")),
    # Upper layers' actions on a request, beside the request's own URLs.
    path("requests/", include("staffdesk.escalation.urls")),
    path("requests/", include("staffdesk.requests.urls")),
    path("", include("staffdesk.feedback.urls")),
    path("notifications/", include("staffdesk.notifications.urls")),
    path("open311/v2/", include("staffdesk.open311.urls")),
    path("admin/", admin.site.urls),
]
