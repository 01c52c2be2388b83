"""Rating signed in (the survey page, the request page's panel, the API): changed until the
survey closes, refused to anyone but the person asked; a low rating tells the service's point
person and the department lead once, and the team follows it up."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from staffdesk.feedback.models import Survey
from staffdesk.feedback.services.surveys import (
    LOW_RATING_KIND,
    survey_follow_up,
    survey_rate,
)
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import RequestEvent
from tests.feedback.survey_helpers import (
    at,
    resolved_with_open_survey,
    signed_in,
    snapshot,
)

SOON = at(11, 13)


@pytest.fixture
def open_survey(org):
    return resolved_with_open_survey(org)


def low_notices() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=LOW_RATING_KIND).values_list(
            "recipient__username", "subject"
        )
    )


# --- The survey page ---------------------------------------------------------------------


def test_the_survey_page_rates_and_changes_the_rating_while_open(org, open_survey, client):
    _item, survey = open_survey
    with time_machine.travel(SOON, tick=False):
        page = signed_in(client, org.requester).get(f"/feedback/surveys/{survey.pk}/")
        assert page.status_code == 200
        assert "How satisfied are you with how Information Technology handled it?" in (
            page.content.decode()
        )
        done = client.post(f"/feedback/surveys/{survey.pk}/", {"rating": "4", "comment": "Fast"})
        assert done.status_code == 302
        page = client.get(done["Location"]).content.decode()
        assert "Thank you: your rating is recorded" in page
        assert "You rated it <strong>satisfied</strong> (4 of 5)" in page
        assert 'value="4" checked' in page
    with time_machine.travel(SOON + timedelta(days=3), tick=False):
        client.post(f"/feedback/surveys/{survey.pk}/", {"rating": "5", "comment": "Fast, kind"})
    survey.refresh_from_db()
    assert (survey.rating, survey.comment, survey.rated_at) == (
        5,
        "Fast, kind",
        SOON + timedelta(days=3),
    )


def test_after_it_closes_the_rating_cannot_change(org, open_survey, client, api):
    _, survey = open_survey
    survey_rate(survey=survey, person=org.requester, rating=4, now=SOON)
    before = snapshot()
    with time_machine.travel(survey.closes_at, tick=False):
        page = (
            signed_in(client, org.requester).get(f"/feedback/surveys/{survey.pk}/").content.decode()
        )
        assert "This survey closed on" in page and "Change my rating" not in page
        refused = client.post(f"/feedback/surveys/{survey.pk}/", {"rating": "1"})
        assert refused.status_code == 409
        assert "This survey closed on" in refused.content.decode()
        answer = api(org.requester).post(f"/surveys/{survey.pk}/rating", json={"rating": 1})
        assert answer.status_code == 409
        assert "closed" in answer.json()["message"]
    assert snapshot() == before


def test_my_open_surveys_are_listed_to_rate(org, open_survey, client):
    item, survey = open_survey
    with time_machine.travel(SOON, tick=False):
        html = signed_in(client, org.requester).get("/feedback/surveys/").content.decode()
        assert f"{item.number}: Docking station flickers" in html and "not rated yet" in html
        survey_rate(survey=survey, person=org.requester, rating=2, comment="Slow")
        assert "you rated it dissatisfied" in client.get("/feedback/surveys/").content.decode()
        # Colin has nothing to rate.
        html = signed_in(client, org.colleague).get("/feedback/surveys/").content.decode()
        assert "Nothing to rate now" in html
    with time_machine.travel(survey.closes_at, tick=False):
        html = signed_in(client, org.requester).get("/feedback/surveys/").content.decode()
        assert item.number not in html


@pytest.mark.parametrize("person", ["colleague", "unrelated", "hr_agent"])
def test_someone_elses_survey_is_not_found_on_the_web_and_in_the_api(
    org, open_survey, client, api, person
):
    _, survey = open_survey
    someone = getattr(org, person)
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        assert signed_in(client, someone).get(f"/feedback/surveys/{survey.pk}/").status_code == 404
        assert client.post(f"/feedback/surveys/{survey.pk}/", {"rating": "1"}).status_code == 404
        caller = api(someone)
        assert caller.get(f"/surveys/{survey.pk}").status_code == 404
        assert caller.post(f"/surveys/{survey.pk}/rating", json={"rating": 1}).status_code == 404
        listed = caller.get("/surveys").json()["items"]
        assert survey.pk not in [s["id"] for s in listed]
    assert snapshot() == before


def test_the_team_sees_the_survey_but_cannot_rate_it(org, open_survey, client, api):
    _, survey = open_survey
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        refused = api(org.it_agent).post(f"/surveys/{survey.pk}/rating", json={"rating": 5})
        assert refused.status_code == 403
        assert refused.json()["message"] == "Only the person asked can answer this survey."
        page = signed_in(client, org.it_agent).get(f"/feedback/surveys/{survey.pk}/")
        assert page.status_code == 200
        assert "Rita Requester has not answered" in page.content.decode()
        assert client.post(f"/feedback/surveys/{survey.pk}/", {"rating": "5"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("rating", [0, 6, -1, "x", "4", True, None, 2.5])
def test_the_api_refuses_a_rating_outside_one_to_five_and_writes_nothing(
    org, open_survey, api, rating
):
    _, survey = open_survey
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        response = api(org.requester).post(f"/surveys/{survey.pk}/rating", json={"rating": rating})
    if rating == "4":  # a number in a string is read as the number, as for every id
        assert response.status_code == 200
        return
    assert response.status_code == 422, response.text
    assert "rating" in response.json()["errors"]
    assert snapshot() == before


def test_the_api_rates_and_changes_a_rating(org, open_survey, api):
    _, survey = open_survey
    client = api(org.requester)
    with time_machine.travel(SOON, tick=False):
        rated = client.post(f"/surveys/{survey.pk}/rating", json={"rating": 3, "comment": "OK"})
        assert rated.status_code == 200, rated.text
        assert rated.json()["rating"] == 3 and rated.json()["rating_label"] == (
            "Neither satisfied nor dissatisfied"
        )
        again = client.post(f"/surveys/{survey.pk}/rating", json={"rating": 4})
        assert (again.json()["rating"], again.json()["comment"]) == (4, "")
        detail = client.get(f"/surveys/{survey.pk}").json()
    assert detail["status"] == "open" and detail["person"] == "rita"
    assert "token_hash" not in detail


def test_a_scheduled_survey_cannot_be_rated_yet(org, api):
    from tests.feedback.survey_helpers import file_laptop, resolve, survey_of

    item = file_laptop(org, now=at(11, 9))
    resolve(item, by=org.it_agent, now=at(11, 10))
    survey = survey_of(org.requester, item)
    with time_machine.travel(at(11, 10, 30), tick=False):
        response = api(org.requester).post(f"/surveys/{survey.pk}/rating", json={"rating": 3})
    assert response.status_code == 409
    assert response.json()["message"] == "This survey is not open yet."


# --- Low ratings ---------------------------------------------------------------------------


def test_a_low_rating_tells_the_point_person_and_the_lead_once(org, open_survey):
    item, survey = open_survey
    survey_rate(survey=survey, person=org.requester, rating=2, comment="A week!", now=SOON)
    subject = f"[{item.number}] Low satisfaction rating: Dissatisfied"
    assert low_notices() == [("lee", subject), ("pete", subject)]
    told = Notification.objects.filter(kind=LOW_RATING_KIND).first()
    assert "Rita Requester rated" in told.body and "A week!" in told.body
    assert told.url == f"/requests/{item.number}"
    # Lower still, up and down again: nobody is told twice.
    for rating in (1, 4, 2, 5, 1):
        survey_rate(survey=survey, person=org.requester, rating=rating, now=SOON)
    assert len(low_notices()) == 2


def test_a_rating_that_drops_to_low_later_tells_them_then(org, open_survey):
    _, survey = open_survey
    survey_rate(survey=survey, person=org.requester, rating=4, now=SOON)
    assert low_notices() == []
    survey_rate(survey=survey, person=org.requester, rating=1, now=SOON)
    assert [who for who, _ in low_notices()] == ["lee", "pete"]


def test_three_and_up_tell_nobody(org, open_survey):
    _, survey = open_survey
    survey_rate(survey=survey, person=org.requester, rating=3, now=SOON)
    assert low_notices() == []


def test_the_rater_is_never_told_of_their_own_low_rating(org):
    """Pete, the laptop service's point person, files a laptop request himself."""
    item, _ = resolved_with_open_survey(org, requester=org.it_point)
    survey = Survey.objects.get(request=item, person=org.it_point)
    survey_rate(survey=survey, person=org.it_point, rating=1, now=SOON)
    assert [who for who, _ in low_notices()] == ["lee"]


# --- Following up ----------------------------------------------------------------------------


@pytest.fixture
def low(org, open_survey):
    item, survey = open_survey
    survey_rate(survey=survey, person=org.requester, rating=2, comment="A week!", now=SOON)
    survey.refresh_from_db()
    return item, survey


def test_the_follow_up_writes_an_internal_note_and_a_public_reply(org, low):
    item, survey = low
    survey_follow_up(
        survey=survey,
        actor=org.it_lead,
        note="Called Rita; the vendor was late.",
        reply="Sorry for the wait, Rita: we changed vendors.",
        now=SOON,
    )
    note, reply = RequestEvent.objects.filter(request=item, created_at=SOON).order_by("id")
    assert (note.kind, note.is_internal) == ("note", True)
    assert note.body == (
        "Follow-up of Rita Requester's rating, 2 of 5 (dissatisfied):\n\n"
        "Called Rita; the vendor was late."
    )
    assert (reply.kind, reply.is_internal) == ("reply", False)
    assert reply.body == "Sorry for the wait, Rita: we changed vendors."
    survey.refresh_from_db()
    assert (survey.followed_up_at, survey.followed_up_by) == (SOON, org.it_lead)
    assert Notification.objects.filter(
        recipient=org.requester, kind="request_reply", body__contains="changed vendors"
    ).exists()


def test_a_follow_up_without_a_reply_is_only_the_note(org, low):
    item, survey = low
    survey_follow_up(survey=survey, actor=org.it_agent, note="Noted for the review.", now=SOON)
    assert list(
        RequestEvent.objects.filter(request=item, created_at=SOON).values_list("kind", flat=True)
    ) == ["note"]


def test_only_the_team_follows_up(org, low, api):
    _, survey = low
    before = snapshot()
    for person in (org.requester, org.admin):
        answer = api(person).post(f"/surveys/{survey.pk}/follow-up", json={"note": "Hi"})
        assert answer.status_code == 403, answer.text
    assert (
        api(org.hr_agent).post(f"/surveys/{survey.pk}/follow-up", json={"note": "Hi"}).status_code
        == 404
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"note": "  "}, "note"),
        ({"note": "x" * 10_001}, "note"),
        ({"note": "ok", "reply": "y" * 20_001}, "reply"),
    ],
)
def test_a_bad_follow_up_writes_nothing(org, low, api, payload, field):
    _, survey = low
    before = snapshot()
    answer = api(org.it_agent).post(f"/surveys/{survey.pk}/follow-up", json=payload)
    assert answer.status_code == 422
    assert field in answer.json()["errors"]
    assert snapshot() == before


def test_on_a_closed_request_the_follow_up_reply_goes_to_the_rater_alone(org, low, api):
    from staffdesk.notifications.models import Notification
    from staffdesk.requests.models import RequestEvent
    from staffdesk.requests.services import request_transition

    item, survey = low
    request_transition(request=item, actor=org.requester, to_status="closed", now=SOON)
    closing = RequestEvent.objects.filter(request=item).latest("id")
    answer = api(org.it_agent).post(
        f"/surveys/{survey.pk}/follow-up",
        json={"note": "Called her", "reply": "Sorry we closed it too early."},
    )
    assert answer.status_code == 200 and answer.json()["followed_up_by"] == "alex"
    # No public reply on the closed request: the team's note quotes what was sent...
    events = RequestEvent.objects.filter(request=item, pk__gt=closing.pk)
    assert not events.filter(kind=RequestEvent.Kind.REPLY).exists()
    note = events.get(kind=RequestEvent.Kind.NOTE)
    assert note.is_internal and "Sorry we closed it too early." in note.body
    # ... and the person who rated is told, in-app and by email.
    told = Notification.objects.get(recipient=survey.person, kind="survey_follow_up")
    assert "Sorry we closed it too early." in told.body
    assert told.email_status == Notification.EmailStatus.PENDING


def test_an_unrated_survey_has_nothing_to_follow_up(org, open_survey, api):
    _, survey = open_survey
    answer = api(org.it_agent).post(f"/surveys/{survey.pk}/follow-up", json={"note": "Hm"})
    assert answer.status_code == 409
    assert answer.json()["message"] == "There is no rating to follow up yet."


def test_a_rating_costs_no_more_queries_than_a_reply(org, open_survey, client):
    """The API's rating against its public reply, the same person on the same request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staffdesk.directory.services import api_token_create

    item, survey = open_survey
    _, secret = api_token_create(person=org.requester, name="cost")
    auth = {"Authorization": f"Bearer {secret}"}

    def queries(path: str, body: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, body, content_type="application/json", headers=auth)
        assert response.status_code in (200, 201), response.content
        return len(captured)

    with time_machine.travel(SOON, tick=False):
        client.get("/api/v1/me", headers=auth)  # the token's first use is recorded once
        reply = queries(f"/api/v1/requests/{item.number}/replies", {"body": "Thanks!"})
        rating = queries(f"/api/v1/surveys/{survey.pk}/rating", {"rating": 4, "comment": "Good"})
        low = queries(f"/api/v1/surveys/{survey.pk}/rating", {"rating": 2, "comment": "Hm"})
    assert rating <= reply, (rating, reply)
    assert low <= reply, (low, reply)
