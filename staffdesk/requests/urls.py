from django.urls import path

from staffdesk.core.views_pending import pending
from staffdesk.requests.views import detail

app_name = "requests"
urlpatterns = [
    path("", pending, name="mine"),
    path("queue/", pending, name="queue"),
    path("<str:number>", detail.request_detail, name="detail"),
    path(
        "<str:number>/attachments/<int:attachment_id>",
        detail.attachment_download,
        name="attachment",
    ),
]
