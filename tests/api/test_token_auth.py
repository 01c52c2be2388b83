"""Personal tokens: refused at once when revoked or their owner leaves, judged alone, cheap."""

import subprocess
import sys
from datetime import timedelta

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staffdesk.directory.auth import REFUSED_CREDENTIAL
from staffdesk.directory.models import ApiToken, Membership, Person
from staffdesk.directory.selectors import my_teams
from staffdesk.directory.services import api_token_authenticate, api_token_create
from tests.escalation.test_exactly_once import child_env
from tests.factories import PersonFactory

REVOKE_IN_ANOTHER_PROCESS = """
import django
django.setup()
from staffdesk.directory.models import ApiToken
from staffdesk.directory.services import api_token_revoke
token = ApiToken.objects.select_related("person").get(pk={token_id})
api_token_revoke(person=token.person, token_id=token.pk)
"""


def _refused(response) -> None:
    assert response.status_code == 401
    assert response.json() == {"message": REFUSED_CREDENTIAL, "errors": {}}
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="staffdesk", error="invalid_token"'


def test_a_token_revoked_by_another_process_is_refused_on_the_next_call(org, api, tmp_path):
    rita = api(org.requester)
    assert rita.get("/me").json()["username"] == "rita"
    token = ApiToken.objects.get(person=org.requester)
    revoked = subprocess.run(
        [sys.executable, "-c", REVOKE_IN_ANOTHER_PROCESS.format(token_id=token.pk)],
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert revoked.returncode == 0, revoked.stderr
    _refused(rita.get("/me"))
    _refused(rita.get("/requests"))


def test_a_deactivated_persons_token_is_refused_on_the_next_call(org, api):
    rita = api(org.requester)
    assert rita.get("/me").status_code == 200
    Person.objects.filter(pk=org.requester.pk).update(is_active=False)
    _refused(rita.get("/me"))


def test_unknown_and_malformed_tokens_are_refused_saying_so(org, api):
    anonymous = api(None)
    _, secret = api_token_create(person=org.requester, name="real")
    for wrong in (secret[:-2] + "xx", "sdk_unknown", "not-even-ours", "sdk_"):
        _refused(anonymous.get("/me", headers={"Authorization": f"Bearer {wrong}"}))
    # Without any credential, the 401 says how to send one.
    nobody = anonymous.get("/me")
    assert nobody.status_code == 401 and "Authentication required" in nobody.json()["message"]


def test_a_refused_token_does_not_fall_back_to_the_session(org, client):
    """A call that sends a token is judged by it, whatever cookie the browser adds."""
    client.force_login(org.requester)
    assert client.get("/api/v1/me").status_code == 200
    _refused(client.get("/api/v1/me", headers={"Authorization": "Bearer sdk_wrong"}))


def test_a_token_call_neither_loads_nor_saves_the_session_nor_sets_a_csrf_cookie(org):
    browser = Client()
    browser.force_login(org.colleague)
    browser.get("/")  # a page with a form: the CSRF cookie is set
    session_key = browser.cookies["sessionid"].value
    _, secret = api_token_create(person=org.requester, name="script")
    bearer = {"Authorization": f"Bearer {secret}"}
    browser.get("/api/v1/me", headers=bearer)  # records the token's first use
    with CaptureQueriesContext(connection) as captured:
        answer = browser.get("/api/v1/me", headers=bearer)
        posted = browser.post(
            "/api/v1/me/tokens", {"name": "from a script"}, "application/json", headers=bearer
        )
    assert answer.json()["username"] == "rita"  # the token's person, not the session's
    assert posted.status_code == 201  # no CSRF token needed with a token
    assert not answer.cookies and not posted.cookies
    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]
    assert browser.cookies["sessionid"].value == session_key
    # The session still signs the browser in, as the colleague.
    assert browser.get("/api/v1/me").json()["username"] == org.colleague.username


def test_last_use_is_recorded_at_most_once_a_minute(org, client, django_assert_num_queries):
    token, secret = api_token_create(person=org.requester, name="busy script")
    bearer = {"Authorization": f"Bearer {secret}"}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/me", headers=bearer)
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        client.get("/api/v1/me", headers=bearer)
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get("/api/v1/me", headers=bearer)
        token.refresh_from_db()
        assert token.last_used_at == start + timedelta(seconds=61)


def test_the_token_check_gives_the_person_as_the_orm_loads_them(org):
    """The compiled lookup reads every field of the person and their department."""
    newcomer = PersonFactory(username="newcomer", department=None)
    for person in (org.requester, org.it_agent, org.admin, newcomer):
        _, secret = api_token_create(person=person, name="t")
        found = api_token_authenticate(secret=secret)
        expected = Person.objects.select_related("department").get(pk=person.pk)
        assert found is not None
        fields = [f.attname for f in Person._meta.concrete_fields]
        assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
        if expected.department is None:
            assert found.department is None
        else:
            assert found.department.__dict__.keys() == expected.department.__dict__.keys()
            assert found.department.code == expected.department.code
            assert found.department.created_at == expected.department.created_at


def test_my_teams_are_my_visible_memberships(org):
    Membership.objects.create(person=org.it_agent, department=org.hr, role=Membership.Role.LEAD)
    for person in (org.requester, org.it_agent, org.admin):
        visible = (
            Membership.objects.visible_to(person)
            .filter(person=person)
            .order_by("department__code")
            .values_list("department__code", "role")
        )
        assert [(t.department, t.role) for t in my_teams(user=person)] == list(visible)
