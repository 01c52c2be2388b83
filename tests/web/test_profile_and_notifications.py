"""The profile page, the notifications pages and sign-in rate limiting, through Django's test client."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.utils import timezone

from conftest import LAPTOP_ANSWERS
from staffdesk.core.errors import ValidationFailed
from staffdesk.directory.models import ApiToken
from staffdesk.directory.services import api_token_create
from staffdesk.notifications.kinds import all_kinds, is_registered, optional_kinds
from staffdesk.notifications.models import Notification, NotificationPreference
from staffdesk.notifications.services import notification_create, notification_preferences_set
from staffdesk.requests.models import Status
from staffdesk.requests.services import request_reply, request_submit, request_transition
from staffdesk.requests.services.workflow import STATUS_NOTICES
from staffdesk.requests.transitions import REQUESTER_TRANSITIONS
from tests.factories import PASSWORD

PROFILE = "/me/"
NOTIFICATIONS = "/notifications/"
SIGN_IN = "/signin/"
LOCKED = "Too many failed sign-ins; try again in 15 minutes."
WRONG_CREDENTIALS = "Please enter a correct username and password."
SECRET = re.compile(r'value="(sdk_[^"]+)"')
NOTIFICATION_ITEM = re.compile(r'<li class="list-group-item" id="notification-(\d+)"')


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def text(response) -> str:
    return unescape(response.content.decode())


def delegate_options(response) -> list[str]:
    select = re.search(r'<select id="delegate".*?</select>', response.content.decode(), re.S)
    assert select is not None
    return [unescape(name) for name in re.findall(r"<option [^>]*>([^<]+)</option>", select[0])]


def shown_ids(response) -> list[int]:
    return [int(pk) for pk in NOTIFICATION_ITEM.findall(response.content.decode())]


def bell(response) -> str:
    """The unread count beside the bell, as the navigation shows it ("" when none)."""
    badge = re.search(
        r'<span id="nav-unread"[^>]*>(?:<span class="badge text-bg-danger">(\d+)'
        r'<span class="visually-hidden"> unread</span></span>)?</span>',
        response.content.decode(),
    )
    assert badge is not None, "no bell badge"
    return f"{badge[1]} unread" if badge[1] else ""


# --- Profile: away and delegate ---------------------------------------------------------


def test_delegates_offered_are_active_colleagues_of_my_department_and_teams(org):
    response = signed_in(org.requester).get(PROFILE)
    assert response.status_code == 200
    options = delegate_options(response)
    assert options[0] == "Nobody"
    assert "Colin Colleague" in options and "Ada Admin" in options  # Finance, like Rita
    assert "Rita Requester" not in options and "Una Unrelated" not in options
    assert "Pete Point" not in options

    # An agent also gets their team mates, whichever department employs them.
    org.it_agent.department = org.water
    org.it_agent.save()
    options = delegate_options(signed_in(org.it_point).get(PROFILE))
    assert {"Alex Agent", "Bea Backup", "Lee Lead"} <= set(options)
    assert "Una Unrelated" not in options

    org.colleague.is_active = False
    org.colleague.save()
    assert "Colin Colleague" not in delegate_options(signed_in(org.requester).get(PROFILE))


def test_away_until_and_delegate_are_set_and_cleared(org):
    client = signed_in(org.requester)
    until = timezone.localdate() + timedelta(days=3)
    response = client.post(
        "/me/away", {"away_until": until.isoformat(), "delegate": org.colleague.pk}
    )
    assert response.status_code == 302 and response["Location"] == "/me/#away"
    org.requester.refresh_from_db()
    assert (org.requester.away_until, org.requester.delegate) == (until, org.colleague)

    page = client.get(PROFILE)
    assert "Your away status is saved." in text(page)
    assert f'value="{until.isoformat()}"' in text(page)
    assert f'<option value="{org.colleague.pk}" selected>' in text(page)

    today = timezone.localdate()
    client.post("/me/away", {"away_until": today.isoformat(), "delegate": org.colleague.pk})
    org.requester.refresh_from_db()
    assert org.requester.away_until == today

    client.post("/me/away", {"away_until": "", "delegate": ""})
    org.requester.refresh_from_db()
    assert (org.requester.away_until, org.requester.delegate) == (None, None)


@pytest.mark.parametrize(
    ("field", "away_until", "delegate", "says"),
    [
        ("delegate", 3, "unrelated", "Choose a colleague from the list"),
        ("delegate", 3, "requester", "Choose a colleague from the list"),
        ("delegate", 3, "not-a-number", "Choose a colleague from the list"),
        ("away-until", -1, "colleague", "Choose today or a later date"),
        ("away-until", "31/12/2030", "colleague", "Enter a date such as 2030-01-31"),
    ],
)
def test_bad_away_input_is_refused_next_to_its_field_and_nothing_is_written(
    org, field, away_until, delegate, says
):
    client = signed_in(org.requester)
    if isinstance(away_until, int):
        away_until = (timezone.localdate() + timedelta(days=away_until)).isoformat()
    person = getattr(org, delegate, None)
    response = client.post(
        "/me/away", {"away_until": away_until, "delegate": person.pk if person else delegate}
    )
    assert response.status_code == 200
    error = re.search(
        rf'<div id="{field}-error" class="invalid-feedback">([^<]+)</div>', text(response)
    )
    assert error is not None and error[1] == says
    assert f'aria-describedby="{field}-help {field}-error"' in text(response)
    assert f'value="{away_until}"' in text(response)  # what was typed is kept
    org.requester.refresh_from_db()
    assert (org.requester.away_until, org.requester.delegate) == (None, None)


def test_away_with_htmx_answers_with_the_section_alone(org):
    response = signed_in(org.requester).post(
        "/me/away", {"away_until": "", "delegate": org.colleague.pk}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<section id="away"') and "<html" not in body
    assert "Your away status is saved." in body


def test_profile_needs_sign_in_and_its_forms_need_post(org, client):
    assert client.get(PROFILE)["Location"].startswith("/signin/")
    assert client.post("/me/tokens", {"name": "x"})["Location"].startswith("/signin/")
    assert signed_in(org.requester).get("/me/away").status_code == 405


# --- Profile: API tokens ----------------------------------------------------------------


def test_token_secret_is_shown_once_then_listed_without_it_and_revoking_stops_it(org):
    client = signed_in(org.requester)
    created = client.post("/me/tokens", {"name": "reporting script"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    secrets = SECRET.findall(text(created))
    assert len(secrets) == 1
    secret = secrets[0]
    assert "shown only this once" in text(created)
    token = ApiToken.objects.get(person=org.requester)
    assert secret.startswith(token.prefix)
    # Not kept anywhere the browser could bring it back: no message, no session, no cookie.
    assert secret not in str(client.cookies) and secret not in str(dict(client.session))

    listed = client.get(PROFILE)
    assert secret not in text(listed) and "sdk_" + secret[4:12] not in text(listed)
    assert "reporting script" in text(listed) and f"{token.prefix}…" in text(listed)
    assert "Never" in text(listed)  # not used yet

    api = Client()
    assert (
        api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()["username"]
        == "rita"
    )
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "Never" not in text(client.get(PROFILE))

    revoked = client.post(f"/me/tokens/{token.pk}/revoke")
    assert revoked.status_code == 302 and revoked["Location"] == "/me/#tokens"
    page = client.get(PROFILE)
    assert "Token “reporting script” revoked" in text(page)
    assert "You have no active tokens." in text(page)
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    # Revoking twice, or someone else's token, is not found.
    assert client.post(f"/me/tokens/{token.pk}/revoke").status_code == 404
    others, _ = api_token_create(person=org.colleague, name="colin's")
    assert client.post(f"/me/tokens/{others.pk}/revoke").status_code == 404
    assert ApiToken.objects.get(pk=others.pk).revoked_at is None


def test_token_needs_a_name(org):
    client = signed_in(org.requester)
    response = client.post("/me/tokens", {"name": "   "})
    assert response.status_code == 200
    assert re.search(r'id="token-name-error"[^>]*>Must not be empty<', text(response))
    assert not SECRET.search(text(response))
    assert not ApiToken.objects.exists()


def test_token_with_htmx_answers_with_the_section_and_the_secret(org):
    response = signed_in(org.requester).post(
        "/me/tokens", {"name": "ci"}, headers={"HX-Request": "true"}
    )
    assert text(response).lstrip().startswith('<section id="tokens"')
    assert len(SECRET.findall(text(response))) == 1


# --- Profile: notification preferences --------------------------------------------------


def test_every_kind_the_requests_app_sends_is_registered():
    sent = {"request_assigned", "request_reply"}
    sent |= {f"request_{status}" for status in STATUS_NOTICES}
    sent |= {f"request_{s}" for moves in REQUESTER_TRANSITIONS.values() for s in moves}
    assert all(is_registered(kind) for kind in sent), sent
    labels = {kind.code: kind.label for kind in all_kinds()}
    assert labels["request_assigned"] == "Assigned to me"
    assert labels["request_reply"] == "New public reply"


def test_email_preferences_are_saved_and_a_reply_then_stays_in_app(org):
    client = signed_in(org.requester)
    page = client.get(PROFILE)
    for kind in optional_kinds():
        assert f'id="email-{kind.code}" checked' in text(page)  # email is on by default
    assert 'id="email-password_reset"' not in text(page)  # always mailed, not a choice

    keep = [kind.code for kind in optional_kinds() if kind.code != "request_reply"]
    response = client.post("/me/notifications", {"email": keep})
    assert response.status_code == 302 and response["Location"] == "/me/#preferences"
    assert not NotificationPreference.objects.get(person=org.requester, kind="request_reply").email
    page = client.get(PROFILE)
    assert "Your email choices are saved." in text(page)
    assert 'id="email-request_reply">' in text(page)
    assert 'id="email-request_resolved" checked' in text(page)

    request = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    request_reply(request=request, author=org.it_point, body="Ordered.")
    request_transition(request=request, actor=org.it_point, to_status=Status.ACKNOWLEDGED)
    mine = {n.kind: n for n in Notification.objects.filter(recipient=org.requester)}
    assert mine["request_reply"].email_status == Notification.EmailStatus.SKIPPED
    assert mine["request_acknowledged"].email_status == Notification.EmailStatus.PENDING
    # In-app it is there like any other.
    assert "[" + request.number + "] New reply" in text(client.get(NOTIFICATIONS))

    # Turning it back on mails the next one.
    client.post("/me/notifications", {"email": [kind.code for kind in all_kinds()]})
    request_reply(request=request, author=org.it_point, body="Shipped.")
    latest = Notification.objects.filter(recipient=org.requester, kind="request_reply").first()
    assert latest.email_status == Notification.EmailStatus.PENDING


def test_preferences_of_one_person_leave_others_alone(org):
    notification_preferences_set(person=org.requester, email_by_kind={"request_reply": False})
    reply_for_colin = notification_create(
        recipient=org.colleague, kind="request_reply", subject="s", body="b"
    )
    assert reply_for_colin.email_status == Notification.EmailStatus.PENDING


def test_unknown_kinds_are_refused(org):
    with pytest.raises(ValidationFailed) as refused:
        notification_preferences_set(person=org.requester, email_by_kind={"no_such_kind": False})
    assert "no_such_kind" in refused.value.message
    assert not NotificationPreference.objects.exists()


# --- Notifications pages ----------------------------------------------------------------


def _notify(person, count: int, *, url: str = "/requests/IT-000001", start: int = 0):
    return [
        notification_create(
            recipient=person,
            kind="request_reply",
            subject=f"Notice {start + number}",
            body="Something happened.",
            url=url,
        )
        for number in range(count)
    ]


def test_list_shows_only_mine_newest_first_and_marks_the_unread(org):
    first, second, third = _notify(org.requester, 3)
    _notify(org.colleague, 1, start=100)
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    response = signed_in(org.requester).get(NOTIFICATIONS)
    assert response.status_code == 200
    assert shown_ids(response) == [third.pk, second.pk, first.pk]
    assert "Notice 100" not in text(response)
    assert text(response).count('<span class="badge text-bg-primary me-1">Unread</span>') == 2
    assert f'href="/notifications/{third.pk}/open"' in text(response)
    assert "2 unread." in text(response)
    assert bell(response) == "2 unread"


def test_mark_one_read_then_all(org):
    _, second, _ = _notify(org.requester, 3)
    client = signed_in(org.requester)
    response = client.post(f"/notifications/{second.pk}/read")
    assert response.status_code == 302 and response["Location"] == NOTIFICATIONS
    second.refresh_from_db()
    assert second.read_at is not None
    assert bell(client.get(NOTIFICATIONS)) == "2 unread"

    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=org.requester, read_at=None).exists()
    page = client.get(NOTIFICATIONS)
    assert bell(page) == "" and "All read." in text(page) and "Mark all read" not in text(page)


def test_marking_read_with_htmx_swaps_the_item_and_updates_the_bell(org):
    first, second = _notify(org.requester, 2)
    client = signed_in(org.requester)
    response = client.post(f"/notifications/{first.pk}/read", headers={"HX-Request": "true"})
    body = text(response)
    assert body.lstrip().startswith(f'<li class="list-group-item" id="notification-{first.pk}"')
    assert "Unread" not in body.split("</li>")[0]
    assert '<span id="nav-unread" hx-swap-oob="true">' in body
    assert bell(response) == "1 unread"
    assert '<p id="notifications-status" hx-swap-oob="innerHTML">Marked read. 1 unread.</p>' in body

    response = client.post("/notifications/read", headers={"HX-Request": "true"})
    body = text(response)
    assert "<html" not in body and shown_ids(response) == [second.pk, first.pk]
    assert "Unread</span>" not in body and bell(response) == ""
    assert "Marked 1 read. All read." in body


def test_opening_marks_read_and_goes_to_its_page_on_this_site_only(org):
    local, evil, protocol_relative, backslash, empty = [
        _notify(org.requester, 1, url=url)[0]
        for url in (
            "/requests/IT-000001",
            "https://evil.example/x",
            "//evil.example",
            "/\\evil.example",
            "",
        )
    ]
    client = signed_in(org.requester)
    response = client.get(f"/notifications/{local.pk}/open")
    assert response.status_code == 302 and response["Location"] == "/requests/IT-000001"
    local.refresh_from_db()
    assert local.read_at is not None
    for notification in (evil, protocol_relative, backslash, empty):
        response = client.get(f"/notifications/{notification.pk}/open")
        assert response.status_code == 302 and response["Location"] == NOTIFICATIONS
        notification.refresh_from_db()
        assert notification.read_at is not None


def test_another_persons_notification_is_not_found(org):
    (colins,) = _notify(org.colleague, 1)
    client = signed_in(org.requester)
    assert client.get(f"/notifications/{colins.pk}/open").status_code == 404
    assert client.post(f"/notifications/{colins.pk}/read").status_code == 404
    client.post("/notifications/read")
    colins.refresh_from_db()
    assert colins.read_at is None


def test_pages_of_fifty_by_id(org):
    made = _notify(org.requester, 60)
    client = signed_in(org.requester)
    first = client.get(NOTIFICATIONS)
    assert shown_ids(first) == [n.pk for n in reversed(made)][:50]
    next_url = unescape(
        re.search(r'href="(/notifications/\?cursor=[^"]+)"', first.content.decode())[1]
    )
    second = client.get(next_url)
    assert shown_ids(second) == [n.pk for n in reversed(made)][50:]
    assert "Next page" not in text(second)
    assert client.get(NOTIFICATIONS + "?cursor=rubbish").status_code == 400
    htmx = client.get(next_url, headers={"HX-Request": "true"})
    assert "<html" not in text(htmx) and shown_ids(htmx) == shown_ids(second)


def test_pages_run_few_queries_whatever_the_amount(org, django_assert_max_num_queries):
    _notify(org.requester, 60)
    for number in range(10):
        api_token_create(person=org.requester, name=f"token {number}")
    client = signed_in(org.requester)
    next_url = unescape(
        re.search(
            r'href="(/notifications/\?cursor=[^"]+)"', client.get(NOTIFICATIONS).content.decode()
        )[1]
    )
    for url in (PROFILE, NOTIFICATIONS, next_url):
        with django_assert_max_num_queries(9):
            response = client.get(url)
        assert response.status_code == 200
    first = Notification.objects.filter(recipient=org.requester).first()
    with django_assert_max_num_queries(9):
        client.post(f"/notifications/{first.pk}/read", headers={"HX-Request": "true"})


# --- Sign-in rate limiting (django-axes) ------------------------------------------------


def _sign_in(client: Client, username: str, password: str):
    return client.post(SIGN_IN, {"username": username, "password": password})


def _alert(response) -> str:
    found = re.search(r'role="alert">([^<]+)<', text(response))
    assert found is not None, "no alert on the page"
    return found[1]


def test_unknown_user_and_wrong_password_get_the_same_message(org):
    wrong_password = _sign_in(Client(), "rita", "not-her-password")
    unknown_user = _sign_in(Client(), "nobody-by-this-name", PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert _alert(wrong_password) == _alert(unknown_user)
    assert _alert(wrong_password).startswith(WRONG_CREDENTIALS)


def test_five_wrong_passwords_lock_the_sign_in_even_with_the_right_one(org):
    client = Client()
    for _ in range(4):
        assert _alert(_sign_in(client, "rita", "guess")).startswith(WRONG_CREDENTIALS)
    fifth = _sign_in(client, "rita", "guess")
    assert fifth.status_code == 429 and _alert(fifth) == LOCKED
    right = _sign_in(client, "rita", PASSWORD)
    assert right.status_code == 429 and _alert(right) == LOCKED
    assert "_auth_user_id" not in client.session
    # Per username and address: a colleague at the same address still signs in.
    assert _sign_in(Client(), "colin", PASSWORD).status_code == 302
    # Unknown names lock the same way, so locking tells nothing about who exists.
    for _ in range(5):
        ghost = _sign_in(client, "nobody-by-this-name", "guess")
    assert ghost.status_code == 429 and _alert(ghost) == LOCKED
    # Attempts are recorded without passwords.
    assert AccessFailureLog.objects.filter(username="rita").count() >= 5
    assert not any(
        PASSWORD in row or "guess" in row
        for row in AccessAttempt.objects.values_list("post_data", flat=True)
    )


def test_the_cool_off_ends_after_fifteen_minutes(org):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        for _ in range(5):
            _sign_in(client, "rita", "guess")
        assert _sign_in(client, "rita", PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=16))
        assert _sign_in(client, "rita", PASSWORD).status_code == 302


def test_a_success_resets_the_count(org):
    client = Client()
    for _ in range(4):
        _sign_in(client, "rita", "guess")
    assert _sign_in(client, "rita", PASSWORD).status_code == 302
    client.post("/signout/")
    for _ in range(4):
        assert _sign_in(client, "rita", "guess").status_code == 200
    assert _sign_in(client, "rita", PASSWORD).status_code == 302


def _basic(username: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def test_minting_a_token_with_a_password_is_counted_and_locked_too(org):
    api = Client()

    def mint(password: str):
        return api.post(
            "/api/v1/me/tokens",
            {"name": "script"},
            content_type="application/json",
            headers=_basic("rita", password),
        )

    for _ in range(4):
        refused = mint("guess")
        assert refused.status_code == 401
        assert "Authentication required" in refused.json()["message"]
    locked = mint("guess")
    assert locked.status_code == 429 and locked["Content-Type"] == "application/json"
    assert locked.json() == {"message": LOCKED, "errors": {}}
    assert int(locked["Retry-After"]) == 15 * 60
    right = mint(PASSWORD)
    assert right.status_code == 429 and right.json()["message"] == LOCKED
    assert not ApiToken.objects.exists()
    # The same account from the same address is locked on the sign-in page as well.
    assert _alert(_sign_in(Client(), "rita", PASSWORD)) == LOCKED
    # A token already held keeps working: only password sign-ins are limited.
    _, secret = api_token_create(person=org.requester, name="held")
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
