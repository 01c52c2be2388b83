"""REST API of satisfaction surveys."""

from ninja import Router

router = Router(tags=["surveys"])
