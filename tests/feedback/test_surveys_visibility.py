"""Who sees a survey: its person, the providing team, and organization admins except for a
confidential case, whose rating is its team's alone, on the web, in the API and in the admin
alike (`Survey.objects.visible_to`)."""

from __future__ import annotations

import pytest
import time_machine

from staffdesk.feedback.services.surveys import survey_rate
from tests.feedback.survey_helpers import (
    at,
    open_surveys,
    resolve,
    resolved_with_open_survey,
    signed_in,
    survey_of,
)

SOON = at(11, 13)
WORD = "Quillfeather"  # in the confidential case's comment


@pytest.fixture
def rated(org):
    """Rita rated her IT request 2 and her confidential HR case 1, with comments."""
    from staffdesk.requests.services import request_submit

    it, it_survey = resolved_with_open_survey(org)
    survey_rate(survey=it_survey, person=org.requester, rating=2, comment="Slow dock", now=SOON)
    case = request_submit(
        requester=org.requester,
        service=org.leave,
        answers={"reason": "Surgery"},
        subject="Medical leave",
        now=at(11, 9),
    )
    resolve(case, by=org.hr_agent, now=at(11, 10))
    open_surveys(at(11, 12))
    hr_survey = survey_of(org.requester, case)
    assert hr_survey.confidential
    survey_rate(survey=hr_survey, person=org.requester, rating=1, comment=WORD, now=SOON)
    return {"it": (it, it_survey), "hr": (case, hr_survey)}


# Who sees which: the person asked, the providing team, organization admins (not confidential).
SEES = {
    "it": {"requester", "it_agent", "it_lead", "it_point", "admin"},
    "hr": {"requester", "hr_agent"},
}
PEOPLE = ["requester", "colleague", "unrelated", "it_agent", "it_lead", "hr_agent", "admin"]


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("case", ["it", "hr"])
def test_the_api_and_the_web_show_a_survey_to_those_who_may_see_it(
    org, rated, api, client, role, case
):
    request, survey = rated[case]
    person = getattr(org, role)
    visible = role in SEES[case]
    caller = api(person)
    with time_machine.travel(SOON, tick=False):
        detail = caller.get(f"/surveys/{survey.pk}")
        listed = [s["id"] for s in caller.get("/surveys", params={"limit": 200}).json()["items"]]
        page = signed_in(client, person).get(f"/feedback/surveys/{survey.pk}/")
        ratings = client.get("/feedback/ratings/")
        rated_by_api = caller.get("/ratings")
    assert detail.status_code == (200 if visible else 404)
    assert (survey.pk in listed) == visible
    assert page.status_code == (200 if visible else 404)
    on_a_team = role in {"it_agent", "it_lead", "hr_agent", "admin"}
    assert ratings.status_code == (200 if on_a_team else 403)
    assert rated_by_api.status_code == (200 if on_a_team else 403)
    if on_a_team:
        shown = [s["id"] for s in rated_by_api.json()["items"]]
        in_list = role in SEES[case] and role != "requester"
        assert (survey.pk in shown) == in_list
        assert (request.number in ratings.content.decode()) == in_list
    if case == "hr" and not visible:
        assert WORD not in page.content.decode() + ratings.content.decode() + detail.text


def test_the_admin_never_shows_a_confidential_survey(org, rated, client):
    _, it_survey = rated["it"]
    case, hr_survey = rated["hr"]
    client.force_login(org.admin)
    changelist = client.get("/admin/feedback/survey/").content.decode()
    assert case.number not in changelist and WORD not in changelist
    assert rated["it"][0].number in changelist
    assert client.get(f"/admin/feedback/survey/{hr_survey.pk}/change/").status_code == 404
    searched = client.get("/admin/feedback/survey/", {"q": WORD}).content.decode()
    assert "0 surveys" in searched
    it_page = client.get(f"/admin/feedback/survey/{it_survey.pk}/change/")
    assert it_page.status_code == 200
    html = it_page.content.decode()
    assert "Slow dock" in html
    assert "token_hash" not in html and "Token hash" not in html
    # Read only: nothing to add, change or delete.
    assert client.get("/admin/feedback/survey/add/").status_code == 403
    assert (
        client.post(f"/admin/feedback/survey/{it_survey.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_the_team_of_a_confidential_case_sees_its_rating_on_the_request_page(org, rated, client):
    case, _ = rated["hr"]
    with time_machine.travel(SOON, tick=False):
        team_page = signed_in(client, org.hr_agent).get(f"/requests/{case.number}").content.decode()
        assert WORD in team_page and "Very dissatisfied (1 of 5)" in team_page
        admin_page = signed_in(client, org.admin).get(f"/requests/{case.number}")
    assert admin_page.status_code == 404
