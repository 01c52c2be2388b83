from django.urls import path

from staffdesk.requests import views

app_name = "requests"
urlpatterns = [
    path("<str:number>", views.request_detail, name="detail"),
    path(
        "<str:number>/attachments/<int:attachment_id>", views.attachment_download, name="attachment"
    ),
]
