from django.urls import re_path

from staffdesk.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^$", views.unknown, {"path": ""}, name="root"),
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[^/]+?)" + FORMAT, views.service_definition, name="service"
    ),
    re_path(r"^requests" + FORMAT, views.service_requests, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/]+?)" + FORMAT, views.service_request, name="request"
    ),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.token, name="token"),
    re_path(r"^(?P<path>.+)$", views.unknown),
]
