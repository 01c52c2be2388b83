"""One JSON view: a document of the size and shape of `GET /api/v1/me`, built without a
database, so the scenario measures Django's request handling and a JSON response only."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

DOCUMENT = {
    "id": 1,
    "name": "Bench Agent",
    "email": "bench-agent@example.org",
    "username": "bench-agent",
    "employee_id": "E000001",
    "department": "IT",
    "manager_id": None,
    "start_date": "2024-01-02",
    "away_until": None,
    "delegate_id": None,
    "is_active": True,
    "is_org_admin": False,
    "teams": [{"department": "IT", "role": "agent"}],
}


def document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(DOCUMENT)


urlpatterns = [path("", document)]
