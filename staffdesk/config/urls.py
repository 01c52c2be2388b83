from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from staffdesk.config import profile, views
from staffdesk.config.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalog/", include("staffdesk.catalog.urls")),
    # Upper layers' actions on a request, beside the request's own URLs.
    path("requests/", include("staffdesk.escalation.urls")),
    path("requests/", include("staffdesk.requests.urls")),
    path("me/", profile.profile, name="profile"),
    path("me/away", profile.away_set, name="profile_away"),
    path("me/tokens", profile.token_create, name="profile_token_create"),
    path("me/tokens/<id:token_id>/revoke", profile.token_revoke, name="profile_token_revoke"),
    path("me/notifications", profile.preferences_set, name="profile_preferences"),
    path("notifications/", include("staffdesk.notifications.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("staffdesk.open311.urls")),
    path("admin/", admin.site.urls),
]
