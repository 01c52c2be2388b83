"""Acceptance 3: a merge counts the union of both voter sets on the target, an unmerge gives
each its own again, and a person's votes sent at once over HTTP count once.

The unions are computed here from the vote rows, not by the app. Run on PostgreSQL too
(DATABASE_URL=postgres://...): the row lock and the unique constraint are what hold there.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from django.urls import reverse

from staffdesk.directory.services import api_token_create
from staffdesk.feedback.models import Vote
from staffdesk.feedback.services.suggestions import (
    suggestion_merge,
    suggestion_respond,
    suggestion_unmerge,
    suggestion_unvote,
    suggestion_vote,
)
from tests.feedback.suggestion_helpers import (
    count,
    people,
    signed_in,
    suggest,
    union_of_voters,
    vote_all,
)

PARALLEL = 24


def test_merge_counts_the_union_and_unmerge_gives_each_its_own(org):
    target = suggest(org.requester, to=org.it, title="Room booking online").suggestion
    first = suggest(org.colleague, to=org.it, title="Book rooms on the web").suggestion
    second = suggest(org.unrelated, to=org.hr, title="A calendar for rooms").suggestion
    crowd = people(8, org.fin)
    vote_all(target, crowd[:5])  # 0-4
    vote_all(first, crowd[3:7])  # 3-6: two of them voted for the target too
    vote_all(second, [crowd[4], crowd[7], org.requester])  # one also on both
    assert count(target) == len(union_of_voters(target)) == 5

    suggestion_merge(suggestion=first, into=target, actor=org.it_agent)
    assert count(target) == len(union_of_voters(target, first)) == 7
    # A target of another department is allowed: HR's team merges its duplicate into IT's.
    suggestion_merge(suggestion=second, into=target, actor=org.hr_agent)
    assert count(target) == len(union_of_voters(target, first, second)) == 9
    # Votes stay on their own suggestions: each still counts its own.
    assert count(first) == len(union_of_voters(first)) == 4
    assert count(second) == len(union_of_voters(second)) == 3

    # Withdrawing from a merged one counts on the target at once (crowd[6] voted only there).
    suggestion_unvote(suggestion=first, person=crowd[6])
    assert count(target) == len(union_of_voters(target, first, second)) == 8
    # One who voted on both is still counted once the other vote goes.
    suggestion_unvote(suggestion=target, person=crowd[4])
    assert count(target) == len(union_of_voters(target, first, second)) == 8

    unmerged = suggestion_unmerge(suggestion=first, actor=org.it_agent)
    assert unmerged.status == "submitted" and unmerged.merged_into is None
    assert count(target) == len(union_of_voters(target, second)) == 7
    assert count(first) == len(union_of_voters(first)) == 3
    suggestion_unmerge(suggestion=second, actor=org.hr_agent)
    assert count(target) == len(union_of_voters(target)) == 4
    assert count(second) == len(union_of_voters(second)) == 3


def test_unmerge_gives_back_the_status_it_had(org):
    target = suggest(org.requester, to=org.it).suggestion
    duplicate = suggest(org.colleague, to=org.it, title="Rooms online").suggestion
    suggestion_respond(suggestion=duplicate, actor=org.it_agent, body="Hm.", status="under_review")
    suggestion_merge(suggestion=duplicate, into=target, actor=org.it_agent)
    assert duplicate.__class__.objects.get(pk=duplicate.pk).status == "merged"
    assert suggestion_unmerge(suggestion=duplicate, actor=org.it_agent).status == "under_review"


def test_the_page_of_a_merged_suggestion_sends_voters_to_the_target(org):
    target = suggest(org.requester, to=org.it).suggestion
    duplicate = suggest(org.colleague, to=org.it, title="Rooms online").suggestion
    vote_all(duplicate, [org.unrelated])
    suggestion_merge(suggestion=duplicate, into=target, actor=org.it_agent)
    browser = signed_in(org.hr_agent)
    page = browser.get(reverse("feedback:suggestion", args=[duplicate.pk])).content.decode()
    assert "Merged into" in page and "Vote for it" not in page
    target_page = browser.get(reverse("feedback:suggestion", args=[target.pk])).content.decode()
    assert "1 vote" in target_page and "Rooms online" in target_page  # merged into this one


def test_votes_sent_at_once_by_one_person_count_once(org, production_server):
    suggestion = suggest(org.requester, to=org.it).suggestion
    _, token = api_token_create(person=org.colleague, name="double click")
    url = f"{production_server}/api/v1/suggestions/{suggestion.pk}/vote"

    def vote(_: int) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            return client.post(url, headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(vote, range(PARALLEL)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (PARALLEL - 1), {a.text for a in answers}
    assert all("already voted" in a.json()["message"] for a in answers if a.status_code == 409)
    assert Vote.objects.filter(suggestion=suggestion).count() == 1
    assert count(suggestion) == 1


def test_votes_of_many_people_at_once_are_all_counted(org, production_server):
    suggestion = suggest(org.requester, to=org.it).suggestion
    tokens = [api_token_create(person=p, name="t")[1] for p in people(PARALLEL, org.fin)]
    url = f"{production_server}/api/v1/suggestions/{suggestion.pk}/vote"

    def vote(token: str) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            return client.post(url, headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(vote, tokens))
    assert {answer.status_code for answer in answers} == {200}, {a.text for a in answers}
    # No update was lost: the stored count is the number of votes.
    assert count(suggestion) == Vote.objects.filter(suggestion=suggestion).count() == PARALLEL


def test_the_api_counts_the_union_after_a_merge(org, api):
    target = suggest(org.requester, to=org.it).suggestion
    duplicate = suggest(org.colleague, to=org.it, title="Rooms online").suggestion
    vote_all(target, [org.unrelated, org.hr_agent])
    suggestion_vote(suggestion=duplicate, person=org.unrelated)
    suggestion_vote(suggestion=duplicate, person=org.it_backup)
    alex = api(org.it_agent)
    merged = alex.post(f"/suggestions/{duplicate.pk}/merge", json={"into": target.pk})
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged" and merged.json()["merged_into"] == target.pk
    shown = alex.get(f"/suggestions/{target.pk}").json()
    assert shown["vote_count"] == len(union_of_voters(target, duplicate)) == 3
    assert shown["merged"] == [duplicate.pk]
    apart = alex.post(f"/suggestions/{duplicate.pk}/unmerge")
    assert apart.json()["status"] == "submitted" and apart.json()["vote_count"] == 2
    assert alex.get(f"/suggestions/{target.pk}").json()["vote_count"] == 2
