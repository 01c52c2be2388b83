from django.urls import path

from staffdesk.escalation import views

app_name = "escalation"
urlpatterns = [
    path("<str:number>/escalate", views.request_escalate, name="escalate"),
]
