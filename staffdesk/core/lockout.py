"""What a caller locked out by django-axes receives: the sign-in lockout page, or JSON for the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the same message everywhere; unknown and known usernames alike."""
    message = str(settings.AXES_COOLOFF_MESSAGE)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith(API_PREFIX):
        # The API's error shape (core/api.py), so scripts minting a token see why.
        response = JsonResponse({"message": message, "errors": {}}, status=status)
        response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        return response
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"message": message}, status=status)
