"""The app's web pages: satisfaction surveys and the suggestion box."""

from staffdesk.feedback.urls import suggestions, surveys

app_name = "feedback"
urlpatterns = [*surveys.urlpatterns, *suggestions.urlpatterns]
