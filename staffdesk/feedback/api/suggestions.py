"""REST API of the suggestion box."""

from ninja import Router

router = Router(tags=["suggestions"])
