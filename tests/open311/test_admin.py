"""Organization admins add integrations in the admin; the key is shown once and works."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from staffdesk.open311.models import Integration
from staffdesk.requests.models import Request
from tests.open311.conftest import BASE, form

KEY = re.compile(rb'value="(o311_[^"]+)"')


def test_admin_adds_an_integration_and_sees_its_key_once(client, org, laptop):
    client.force_login(org.admin)
    response = client.post(
        "/admin/open311/integration/add/", {"name": "Lobby kiosk", "is_active": "on"}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = KEY.search(response.content).group(1).decode()
    integration = Integration.objects.get()
    assert integration.prefix == secret[:10] and secret not in integration.key_hash
    body = form(
        secret, attributes={"model": "standard", "quantity": "1"}, email="rita@city.example"
    )
    filed = client.post(
        f"{BASE}/requests.json",
        urlencode(body, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert filed.status_code == 200, filed.content
    assert Request.objects.get().requester == org.requester
    assert (
        secret.encode()
        not in client.get(f"/admin/open311/integration/{integration.pk}/change/").content
    )

    renewed = client.post(
        "/admin/open311/integration/",
        {"action": "issue_new_key", "_selected_action": [integration.pk]},
    )
    new_secret = KEY.search(renewed.content).group(1).decode()
    assert new_secret != secret
    refused = client.post(
        f"{BASE}/requests.json",
        urlencode(body, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert refused.status_code == 403


def test_only_organization_admins_manage_integrations(client, org):
    org.it_lead.is_staff = True
    org.it_lead.save(update_fields=["is_staff"])
    client.force_login(org.it_lead)
    response = client.get("/admin/open311/integration/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
