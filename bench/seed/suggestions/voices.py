"""The colleagues' side of the benchmark's suggestion box: votes (skewed: a few suggestions
draw thousands, most a handful), the followers they make, comments, and the "did it help?"
answers of those asked."""

from __future__ import annotations

import random

from bench.seed import loader
from bench.seed.history import DAY, HOUR, Timeline
from bench.seed.suggestions.plans import HELP_DELAY, WORDS, Planned, between, choose
from staffdesk.feedback.models import Follower, Vote

UNFOLLOWED_SHARE = 0.05
COMMENTED_SHARE = 0.3
HELP_ANSWER_SHARE = 0.25  # of those asked "did it help?"
MOST_VOTES_SHARE = 0.4  # of the people: the most any one suggestion draws
FLUSH = 200_000  # vote and follower rows held before they are written
VOTE_COLUMNS = ("id", "suggestion_id", "person_id", "created_at")
FOLLOWER_COLUMNS = ("id", "suggestion_id", "person_id", "active", "created_at")
COMMENT_COLUMNS = ("id", "suggestion_id", "author_id", "by_anonymous_author", "body", "created_at")
HELP_COLUMNS = ("id", "suggestion_id", "person_id", "by_anonymous_author", "answer", "created_at")

HELP_ANSWERS = (("yes", 0.6), ("partly", 0.25), ("no", 0.15))


def _vote_counts(rng: random.Random, plans: list[Planned], total: int, people: int) -> list[int]:
    """How many votes each suggestion draws: a heavy tail (a few popular ones), less for
    those open to votes for a short time, exactly `total` in all."""
    cap = max(1, min(people - 1, int(MOST_VOTES_SHARE * people)))
    weights = [
        rng.paretovariate(1.1) * min(1.0, max(0, p.closes - p.created - 2 * HOUR) / (60 * DAY))
        for p in plans
    ]
    scale = total / (sum(weights) or 1)
    counts = [min(cap, int(w * scale)) for w in weights]
    open_to_votes = [i for i, w in enumerate(weights) if w > 0]
    missing = total - sum(counts)
    while missing > 0 and open_to_votes:
        for index in rng.choices(open_to_votes, k=missing):
            if missing and counts[index] < cap:
                counts[index] += 1
                missing -= 1
        open_to_votes = [i for i in open_to_votes if counts[i] < cap]
    return counts


class Writer:
    """Votes and followers (a million each), held and written in batches, ids in order."""

    def __init__(self, timeline: Timeline, total: int) -> None:
        self.total = total  # votes to draw
        self.text = timeline.formatter()
        self.written_votes = self.written_followers = 0
        self.votes: list[tuple] = []
        self.followers: list[tuple] = []

    def vote(self, suggestion_id: int, person_id: int, at: int) -> None:
        number = self.written_votes + len(self.votes) + 1
        self.votes.append((number, suggestion_id, person_id, self.text(at)))

    def follower(self, suggestion_id: int, person_id: int, active: bool, at: int) -> None:
        number = self.written_followers + len(self.followers) + 1
        self.followers.append((number, suggestion_id, person_id, active, self.text(at)))

    def flush(self, *, last: bool = False) -> None:
        if not last and len(self.votes) + len(self.followers) < FLUSH:
            return
        loader.insert_rows(Vote, VOTE_COLUMNS, self.votes)
        loader.insert_rows(Follower, FOLLOWER_COLUMNS, self.followers)
        self.written_votes += len(self.votes)
        self.written_followers += len(self.followers)
        self.votes, self.followers = [], []


def votes_and_followers(
    rng: random.Random, plans: list[Planned], rows: list[list], people: list[int], writer: Writer
) -> None:
    """Each suggestion's voters (not its author) and followers: its named author from the
    start, each voter from their vote."""
    counts = _vote_counts(rng, plans, writer.total, len(people))
    for plan, row, wanted in zip(plans, rows, counts, strict=True):
        author = row[5]
        chosen = rng.sample(people, min(len(people), wanted + 1)) if wanted else []
        plan.voters = sorted([p for p in chosen if p != author][:wanted])
        span = plan.closes - plan.created - 2 * HOUR
        for person in ([author] if author is not None else []) + plan.voters:
            at = plan.created
            if person != author:
                at += HOUR + int(span * rng.random() ** 2)
                writer.vote(plan.id, person, at)
            active = rng.random() >= UNFOLLOWED_SHARE
            if not active:
                plan.unfollowed.add(person)
            writer.follower(plan.id, person, active, at)
        writer.flush()
    writer.flush(last=True)
    union: dict[int, set[int]] = {}
    for plan in plans:
        if plan.merged_into is not None:
            target = plans[plan.merged_into - 1]
            union.setdefault(target.id, set(target.voters)).update(plan.voters)
    for plan in plans:
        plan.vote_count = len(union[plan.id]) if plan.id in union else len(plan.voters)


def comments_and_answers(
    rng: random.Random,
    plans: list[Planned],
    rows: list[list],
    people: list[int],
    timeline: Timeline,
) -> tuple[list[tuple], list[tuple]]:
    """Colleagues' comments (the anonymous author's through the link) and, for those asked
    "did it help?", the answers of some who follow them."""
    text, end = timeline.formatter(), timeline.days * DAY
    comments: list[tuple] = []
    answers: list[tuple] = []
    bodies = WORDS["comments"]
    for plan, row in zip(plans, rows, strict=True):
        anonymous = row[6]
        if end - plan.created > 2 * HOUR and rng.random() < COMMENTED_SHARE:
            many = 1 + min(12, int(rng.expovariate(0.7)) + plan.vote_count // 500)
            times = sorted(between(rng, plan.created + HOUR, end - HOUR) for _ in range(many))
            by_author = anonymous and rng.random() < 0.3
            for index, at in enumerate(times):
                own = by_author and index == len(times) // 2
                pool = plan.voters or people
                author = None if own else pool[int(rng.random() * len(pool))]
                body = rng.choice(bodies)
                comments.append((len(comments) + 1, plan.id, author, own, body, text(at)))
        if plan.done is None or plan.done + HELP_DELAY > end - 2 * HOUR:
            continue
        asked = plan.done + HELP_DELAY
        followers = [row[5]] if row[5] is not None else []
        followers += plan.voters
        asked_people = [p for p in followers if p not in plan.unfollowed]
        chosen: list[int | None] = [p for p in asked_people if rng.random() < HELP_ANSWER_SHARE]
        if anonymous and rng.random() < 0.3:
            chosen.append(None)  # the anonymous author, through the private link
        for person in chosen:
            at = asked + between(rng, 60, min(14 * DAY, end - asked - 60))
            answer = choose(rng, HELP_ANSWERS)
            answers.append((len(answers) + 1, plan.id, person, person is None, answer, text(at)))
    return comments, answers
