from django.urls import re_path

from staffdesk.open311 import views

app_name = "open311"

# The format suffix in any case (`services.JSON`), and a trailing slash tolerated
# (`services.json/`). Without a suffix the answer is XML, the format the spec requires.
FORMAT = r"(?:\.(?P<fmt>(?i:json|xml)))?/?$"
ID = r"(?P<{}>[^/]+?)"

urlpatterns = [
    re_path(r"^$", views.unknown, {"path": ""}, name="root"),
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(
        r"^services/" + ID.format("service_code") + FORMAT,
        views.service_definition,
        name="service",
    ),
    re_path(r"^requests" + FORMAT, views.service_requests, name="requests"),
    re_path(
        r"^requests/" + ID.format("service_request_id") + FORMAT,
        views.service_request,
        name="request",
    ),
    re_path(r"^tokens/" + ID.format("token") + FORMAT, views.token, name="token"),
    # mySociety's extension, as FixMyStreet reads and posts status updates.
    re_path(r"^servicerequestupdates" + FORMAT, views.service_request_updates, name="updates"),
    re_path(r"^(?P<path>.+)$", views.unknown),
]
