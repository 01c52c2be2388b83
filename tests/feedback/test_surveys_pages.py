"""The survey on other pages: the request page's panel (the requester rates there, the team
reads the rating and follows a low one up), "Rate it" on My requests, the ratings list with
its filters, and the survey page's "Thank the people who helped"."""

from __future__ import annotations

import re

import pytest
import time_machine

from staffdesk.feedback import thanks
from staffdesk.feedback.services.surveys import survey_rate
from staffdesk.requests.models import RequestEvent
from staffdesk.requests.services import request_assign, request_reply
from tests.factories import ServiceFactory
from tests.feedback.survey_helpers import (
    at,
    file_laptop,
    open_surveys,
    resolve,
    resolved_with_open_survey,
    signed_in,
    snapshot,
    survey_of,
)

SOON = at(11, 13)
HTMX = {"HX-Request": "true"}


def page(client, item) -> str:
    response = client.get(f"/requests/{item.number}")
    assert response.status_code == 200
    return response.content.decode()


# --- The request page -----------------------------------------------------------------------


def test_the_requester_rates_on_the_request_page(org, client):
    item, survey = resolved_with_open_survey(org)
    with time_machine.travel(SOON, tick=False):
        html = page(signed_in(client, org.requester), item)
        assert "How did we do?" in html and "Send my rating" in html
        done = client.post(
            f"/feedback/surveys/{survey.pk}/",
            {"rating": "5", "comment": "Great", "back": "request"},
        )
        assert done.status_code == 302 and done["Location"] == f"/requests/{item.number}"
        html = page(client, item)
        assert "Thank you: your rating is recorded" in html
        assert 'id="panel-rating-5" value="5" checked' in html and "Change my rating" in html
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (5, "Great")


def test_a_refused_rating_on_the_request_page_shows_the_page_again(org, client):
    _item, survey = resolved_with_open_survey(org)
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        signed_in(client, org.requester)
        refused = client.post(
            f"/feedback/surveys/{survey.pk}/", {"rating": "9", "back": "request"}, headers=HTMX
        )
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'id="request-page"' in html and "<html" not in html
    assert "Choose one of the five answers" in html
    assert snapshot() == before


def test_nothing_shows_before_the_survey_opens_or_on_a_request_never_resolved(org, client):
    item = file_laptop(org, now=at(11, 9))
    with time_machine.travel(SOON, tick=False):
        assert "How did we do?" not in page(signed_in(client, org.requester), item)
        resolve(item, by=org.it_agent, now=at(11, 12, 30))
        assert "How did we do?" not in page(client, item)  # scheduled, due at 13:30


def test_the_team_reads_the_rating_and_follows_a_low_one_up(org, client):
    item, survey = resolved_with_open_survey(org)
    with time_machine.travel(SOON, tick=False):
        html = page(signed_in(client, org.it_agent), item)
        assert "Asked, no answer yet: Rita Requester." in html
        survey_rate(survey=survey, person=org.requester, rating=2, comment="A whole week")
        html = page(client, item)
        assert "Dissatisfied (2 of 5)" in html and "A whole week" in html
        assert "Follow up…" in html
        done = client.post(
            f"/feedback/surveys/{survey.pk}/follow-up/",
            {"survey": survey.pk, "note": "Vendor was late.", "reply": "Sorry, Rita."},
            headers=HTMX,
        )
        assert done.status_code == 200
        html = done.content.decode()
        assert "Followed up: the internal note is on the timeline and the reply sent." in html
        assert "Followed up by Alex Agent" in html
    kinds = RequestEvent.objects.filter(request=item, created_at=SOON).values_list(
        "kind", "is_internal"
    )
    assert list(kinds) == [("note", True), ("reply", False)]


def test_a_refused_follow_up_keeps_what_was_typed(org, client):
    _item, survey = resolved_with_open_survey(org)
    survey_rate(survey=survey, person=org.requester, rating=1, now=SOON)
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        refused = signed_in(client, org.it_agent).post(
            f"/feedback/surveys/{survey.pk}/follow-up/",
            {"survey": survey.pk, "note": " ", "reply": "Kept text"},
            headers=HTMX,
        )
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "Say what you did about this rating" in html and "Kept text" in html
    assert "<details open>" in html
    assert snapshot() == before


def test_a_good_rating_offers_no_follow_up_and_the_requester_sees_no_team_view(org, client):
    item, survey = resolved_with_open_survey(org)
    survey_rate(survey=survey, person=org.requester, rating=4, comment="Fine", now=SOON)
    with time_machine.travel(SOON, tick=False):
        html = page(signed_in(client, org.it_agent), item)
        assert "Satisfied (4 of 5)" in html and "Follow up…" not in html
        # A watcher sees no rating.
        from staffdesk.requests.services import watcher_add

        watcher_add(request=item, actor=org.requester, person=org.colleague)
        assert "Satisfied (4 of 5)" not in page(signed_in(client, org.colleague), item)


def test_the_panel_costs_the_request_page_one_query(org, client, django_assert_max_num_queries):
    """12 for the team's page (tests/web/test_request_page.py), with the panel's one read."""
    item, survey = resolved_with_open_survey(org)
    survey_rate(survey=survey, person=org.requester, rating=2, comment="Slow", now=SOON)
    for person in (org.requester, org.it_point):
        with time_machine.travel(SOON, tick=False):
            signed_in(client, person)
            page(client, item)
            with django_assert_max_num_queries(12):
                html = page(client, item)
        assert "2 of 5" in html


# --- My requests ----------------------------------------------------------------------------


def test_my_requests_offers_rate_it_on_resolved_requests_with_an_open_survey(
    org, client, django_assert_max_num_queries
):
    waiting, survey = resolved_with_open_survey(org, subject="Dock")
    answered, other = resolved_with_open_survey(org, subject="Mouse")
    survey_rate(survey=other, person=org.requester, rating=4, now=SOON)
    still_open = file_laptop(org, now=at(11, 9), subject="Screen")
    with time_machine.travel(SOON, tick=False):
        signed_in(client, org.requester).get("/requests/")
        # 9 (tests/web/test_lists.py) and the one read of the surveys of the page.
        with django_assert_max_num_queries(10):
            html = client.get("/requests/?status=all").content.decode()
    link = f'href="/feedback/surveys/{survey.pk}/">Rate it<span class="visually-hidden"> {waiting.number}</span>'
    assert html.count(link) == 2  # the card (phones) and the table row
    assert f'Rate it<span class="visually-hidden"> {answered.number}' not in html
    assert f'Rate it<span class="visually-hidden"> {still_open.number}' not in html


# --- The ratings list ------------------------------------------------------------------------


@pytest.fixture
def ratings(org):
    """Four IT ratings over three days, of two services and two agents."""
    phone = ServiceFactory(
        department=org.it, code="it-phone", name="Desk phone", point_person=org.it_point
    )
    from conftest import LAPTOP_ANSWERS
    from staffdesk.requests.services import request_submit

    made = []
    for day, rating, service, agent in [
        (11, 2, org.laptop, org.it_point),
        (12, 5, org.laptop, org.it_agent),
        (13, 1, phone, org.it_agent),
        (13, 4, phone, org.it_point),
    ]:
        answers = LAPTOP_ANSWERS if service == org.laptop else {}
        item = request_submit(
            requester=org.requester,
            service=service,
            answers=answers,
            subject=f"Rated {rating}",
            now=at(day, 9),
        )
        if item.assignee != agent:
            request_assign(request=item, actor=org.it_lead, assignee=agent, now=at(day, 9))
        resolve(item, by=agent, now=at(day, 10))
        open_surveys(at(day, 12))
        survey_rate(
            survey=survey_of(org.requester, item),
            person=org.requester,
            rating=rating,
            now=at(day, 14),
        )
        made.append(item)
    return made


def listed(client, **params) -> list[str]:
    with time_machine.travel(at(14, 9), tick=False):
        response = signed_in(client, client.person).get("/feedback/ratings/", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    return sorted(
        subject for subject in ("Rated 1", "Rated 2", "Rated 4", "Rated 5") if subject in html
    )


@pytest.mark.parametrize(
    ("params", "subjects"),
    [
        ({}, ["Rated 1", "Rated 2", "Rated 4", "Rated 5"]),
        ({"rating": "1"}, ["Rated 1"]),
        ({"service": "it-phone"}, ["Rated 1", "Rated 4"]),
        ({"agent": "{alex}"}, ["Rated 1", "Rated 5"]),
        ({"since": "2027-01-12", "until": "2027-01-12"}, ["Rated 5"]),
        ({"since": "2027-01-13"}, ["Rated 1", "Rated 4"]),
        ({"until": "2027-01-11"}, ["Rated 2"]),
        ({"service": "it-phone", "agent": "{pete}"}, ["Rated 4"]),
        # A value that does not parse counts as "any", with its error beside the field.
        ({"rating": "9"}, ["Rated 1", "Rated 2", "Rated 4", "Rated 5"]),
    ],
)
def test_the_ratings_list_filters(org, ratings, client, params, subjects):
    client.person = org.it_lead
    values = {k: v.format(alex=org.it_agent.pk, pete=org.it_point.pk) for k, v in params.items()}
    assert listed(client, **values) == subjects


def test_the_ratings_api_filters_the_same(org, ratings, api):
    caller = api(org.it_lead)
    with time_machine.travel(at(14, 9), tick=False):
        found = caller.get("/ratings", params={"service": "it-phone", "since": "2027-01-13"}).json()
        assert sorted(s["request_subject"] for s in found["items"]) == ["Rated 1", "Rated 4"]
        assert caller.get("/ratings", params={"rating": 6}).status_code == 422
        refused = caller.get("/ratings", params={"since": "2027-01-13", "until": "2027-01-12"})
        assert refused.status_code == 422 and "until" in refused.json()["errors"]
        unknown = caller.get("/ratings", params={"service": "nope"})
        assert unknown.status_code == 422 and "service" in unknown.json()["errors"]
        first = caller.get("/ratings", params={"limit": 3}).json()
        rest = caller.get("/ratings", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 3 and len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_the_ratings_list_says_why_a_period_is_refused(org, ratings, client):
    with time_machine.travel(at(14, 9), tick=False):
        response = signed_in(client, org.it_lead).get(
            "/feedback/ratings/", {"since": "2027-01-13", "until": "2027-01-12"}
        )
    assert response.status_code == 422
    assert "The period ends before it starts" in response.content.decode()


def test_the_ratings_list_pages(org, ratings, client, monkeypatch):
    from staffdesk.feedback.views import surveys as views

    monkeypatch.setattr(views, "RATINGS_PAGE", 3)
    with time_machine.travel(at(14, 9), tick=False):
        first = signed_in(client, org.it_lead).get("/feedback/ratings/", {"service": "it-laptop"})
        html = first.content.decode()
        assert "Showing 2 ratings" in html and "Next page" not in html
        first = client.get("/feedback/ratings/")
        assert "Showing 3 ratings" in first.content.decode()
        next_url = first.context["next_url"]
        second = client.get(next_url)
        assert "Showing 1 rating." in second.content.decode()
        stale = client.get("/feedback/ratings/", {"cursor": "garbage"})
        assert "start again from the first page" in stale.content.decode() or (
            "not valid" in stale.content.decode()
        )


# --- "Thank the people who helped" ----------------------------------------------------------


def test_the_survey_page_names_the_people_who_helped(org, client):
    """Pete was assigned (the point person, by routing), Alex replied, Bea resolved it; Lee,
    the lead, did nothing on it, and Rita's own reply is not the team's."""
    item = file_laptop(org, now=at(11, 9))
    request_reply(request=item, author=org.it_agent, body="On it.", now=at(11, 9, 30))
    request_reply(request=item, author=org.requester, body="Thanks!", now=at(11, 9, 40))
    resolve(item, by=org.it_backup, now=at(11, 10))
    open_surveys(at(11, 12))
    survey = survey_of(org.requester, item)
    with time_machine.travel(SOON, tick=False):
        html = (
            signed_in(client, org.requester).get(f"/feedback/surveys/{survey.pk}/").content.decode()
        )
    section = html[html.index("Thank the people who helped") :]
    names = re.findall(r"<li>([^<]+)</li>", section.split("</section>")[0])
    assert names == ["Alex Agent", "Bea Backup", "Pete Point"]
    assert "<a " not in section.split("</section>")[0]  # names, nothing to click yet


def test_a_registered_provider_fills_the_section(org, client, tmp_path, settings):
    (tmp_path / "duck.html").write_text(
        '<form><button type="button">Give {{ option.names }} a duck</button></form>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), str(tmp_path)]},
        *settings.TEMPLATES[1:],
    ]
    seen = []

    def ducks(*, survey, helpers, viewer):
        seen.append((survey.pk, [p.username for p in helpers], viewer.is_authenticated))
        return thanks.ThanksOption(
            "duck.html", {"names": " and ".join(p.first_name for p in helpers)}
        )

    _item, survey = resolved_with_open_survey(org)
    thanks.register(ducks)
    try:
        with time_machine.travel(SOON, tick=False):
            html = (
                signed_in(client, org.requester)
                .get(f"/feedback/surveys/{survey.pk}/")
                .content.decode()
            )
    finally:
        thanks.unregister(ducks)
    assert "Give Alex and Pete a duck" in html  # Alex resolved it, Pete was assigned
    assert seen == [(survey.pk, ["alex", "pete"], True)]
