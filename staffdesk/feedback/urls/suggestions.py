"""Web pages of the suggestion box."""

from django.urls import URLPattern, path

from staffdesk.feedback.views import suggestion_queue as queue
from staffdesk.feedback.views import suggestions as views

urlpatterns: list[URLPattern] = [
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/new/", views.suggestion_new, name="suggestion-new"),
    path("suggestions/similar/", views.suggestion_similar, name="suggestion-similar"),
    path("suggestions/queue/", queue.suggestion_queue, name="suggestion-queue"),
    path(
        "suggestions/queue/publish/",
        queue.suggestion_queue_publish,
        name="suggestion-queue-publish",
    ),
    path("suggestions/queue.csv", queue.suggestion_queue_csv, name="suggestion-queue-csv"),
    path("suggestions/f/<str:secret>/", views.suggestion_private, name="suggestion-private"),
    path("suggestions/<id:suggestion_id>/", views.suggestion_detail, name="suggestion"),
    *[
        path(f"suggestions/<id:suggestion_id>/{action}/", view, name=f"suggestion-{action}")
        for action, view in [
            ("vote", views.suggestion_vote),
            ("unvote", views.suggestion_unvote),
            ("follow", views.suggestion_follow),
            ("unfollow", views.suggestion_unfollow),
            ("comment", views.suggestion_comment),
            ("respond", views.suggestion_respond),
            ("merge", views.suggestion_merge),
            ("unmerge", views.suggestion_unmerge),
            ("restrict", views.suggestion_restrict),
            ("help", views.suggestion_help),
        ]
    ],
    path("you-said-we-did/", queue.board, name="board"),
]
