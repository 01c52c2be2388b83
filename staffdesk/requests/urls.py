from django.urls import path

from staffdesk.requests.views import detail, lists
from staffdesk.requests.views import file as file_views

app_name = "requests"
urlpatterns = [
    path("", lists.mine, name="mine"),
    path("queue/", lists.queue, name="queue"),
    path("new/<str:service_code>", file_views.request_new, name="new"),
    path("new/<str:service_code>/ask", file_views.request_question, name="ask"),
    path("<str:number>", detail.request_detail, name="detail"),
    path("<str:number>/reply", detail.request_reply, name="reply"),
    path("<str:number>/note", detail.request_note, name="note"),
    path("<str:number>/status", detail.request_transition, name="transition"),
    path("<str:number>/assign", detail.request_assign, name="assign"),
    path("<str:number>/priority", detail.request_priority, name="priority"),
    path("<str:number>/watchers", detail.watcher_add, name="watcher_add"),
    path("<str:number>/watchers/remove", detail.watcher_remove, name="watcher_remove"),
    path("<str:number>/attachments", detail.attachment_upload, name="attachment_upload"),
    path(
        "<str:number>/attachments/<id:attachment_id>",
        detail.attachment_download,
        name="attachment",
    ),
]
