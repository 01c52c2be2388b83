from django.urls import path

from staffdesk.portal import passwords, people, profile, views

# No namespace: `home` and `profile` are the names the navigation and the sign-in use.
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", profile.profile, name="profile"),
    path("me/away", profile.away_set, name="profile_away"),
    path("me/tokens", profile.token_create, name="profile_token_create"),
    path("me/tokens/<id:token_id>/revoke", profile.token_revoke, name="profile_token_revoke"),
    path("me/notifications", profile.preferences_set, name="profile_preferences"),
    path("people/options", people.people_options, name="people_options"),
    # Django's names, which its views reverse.
    path("signin/reset/", passwords.reset, name="password_reset"),
    path("signin/reset/sent/", passwords.reset_sent, name="password_reset_done"),
    path("signin/reset/<uidb64>/<token>/", passwords.reset_confirm, name="password_reset_confirm"),
    path("signin/reset/done/", passwords.reset_complete, name="password_reset_complete"),
]
