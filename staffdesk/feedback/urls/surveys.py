"""Web pages of satisfaction surveys."""

from django.urls import URLPattern, path

from staffdesk.feedback.views import surveys

urlpatterns: list[URLPattern] = [
    path("feedback/surveys/", surveys.survey_list, name="surveys"),
    path("feedback/surveys/<id:survey_id>/", surveys.survey_detail, name="survey"),
    path(
        "feedback/surveys/<id:survey_id>/follow-up/",
        surveys.survey_follow_up,
        name="survey-follow-up",
    ),
    # A mail link: its secret is the authority, no sign-in needed (and GET records nothing).
    path("feedback/s/<str:token>/", surveys.survey_token, name="survey-token"),
    path("feedback/ratings/", surveys.ratings, name="ratings"),
]
