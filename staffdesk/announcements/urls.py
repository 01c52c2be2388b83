from django.urls import path

from staffdesk.announcements.views import editor, news, notices, report

app_name = "announcements"
urlpatterns = [
    path("news/", news.news_list, name="list"),
    path("news/new", editor.announcement_new, name="new"),
    path("news/<id:announcement_id>", news.announcement_detail, name="detail"),
    path("news/<id:announcement_id>/edit", editor.announcement_edit, name="edit"),
    path("news/<id:announcement_id>/publish", news.announcement_publish, name="publish"),
    path("news/<id:announcement_id>/schedule", news.announcement_schedule, name="schedule"),
    path("news/<id:announcement_id>/unschedule", news.announcement_unschedule, name="unschedule"),
    path("news/<id:announcement_id>/archive", news.announcement_archive, name="archive"),
    path("news/<id:announcement_id>/remind", news.announcement_remind, name="remind"),
    path(
        "news/<id:announcement_id>/acknowledge", news.announcement_acknowledge, name="acknowledge"
    ),
    path("news/<id:announcement_id>/report", report.announcement_report, name="report"),
    path("news/<id:announcement_id>/report.csv", report.announcement_report_csv, name="report_csv"),
    path("news/<id:announcement_id>/questions", news.question_ask, name="ask"),
    path(
        "news/<id:announcement_id>/questions/<id:question_id>/answer",
        news.question_answer,
        name="answer",
    ),
    path(
        "news/<id:announcement_id>/questions/<id:question_id>/hide",
        news.question_hide,
        name="hide",
    ),
    path("status/", notices.status_board, name="status"),
    path("status/new", notices.notice_new, name="notice_new"),
    path("status/<id:notice_id>", notices.notice_detail, name="notice"),
    path("status/<id:notice_id>/edit", notices.notice_edit, name="notice_edit"),
    path("status/<id:notice_id>/affected", notices.notice_affected, name="affected"),
    path("status/<id:notice_id>/resolve", notices.notice_resolve, name="notice_resolve"),
]
