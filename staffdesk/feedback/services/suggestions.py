"""The suggestion box: every write.

An anonymous suggestion is written without its author (see the models' docstring): nothing
here logs, notifies or stores who submitted it, and its author is made neither a follower
nor a voter (either would name them). What they get instead is the private follow link's
secret, returned once by `suggestion_submit` and kept only as a hash.

`vote_count` is the number of people who voted for a suggestion or for one merged into it
(the union: a person who voted for both counts once). Every write that changes it (vote,
unvote, merge, unmerge) recounts it with one COUNT DISTINCT while holding the row lock of
the suggestion counted, so concurrent votes cannot lose an update; a person's second vote is
refused under that lock, and by the unique constraint should two arrive at once.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.selectors import is_agent_of
from staffdesk.feedback.calendars import business_days_later, department_calendar
from staffdesk.feedback.models import (
    Comment,
    Follower,
    HelpAnswer,
    Response,
    ResponseTarget,
    Suggestion,
    SuggestionStatus,
    Vote,
)
from staffdesk.feedback.models.suggestions import MAX_BODY, MAX_TITLE
from staffdesk.feedback.selectors.suggestions import (
    followers_to_tell,
    help_recipients,
    next_statuses,
    secret_hash,
    status_before_merge,
    voter_ids,
)
from staffdesk.notifications.services import Draft as Notice
from staffdesk.notifications.services import notification_create_many

NEW_KIND = "suggestion_new"
UPDATE_KIND = "suggestion_update"
HELP_KIND = "suggestion_help"

Status = SuggestionStatus
HELP_DELAY = timedelta(weeks=4)
HELP_BATCH = 100  # suggestions asked about per call of `suggestion_help_due`
COMMENT_MAX = 4000
PUBLISH_MAX = 500  # drafts published at once
EXCERPT = 600  # characters of a suggestion quoted in a notification
SECRET_BYTES = 24


@dataclass(frozen=True)
class Submitted:
    """A new suggestion, and for an anonymous one the secret of its private follow link:
    shown to its author once, never stored (only its hash is)."""

    suggestion: Suggestion
    follow_secret: str = ""


def _too_long(text: str, limit: int) -> str:
    return f"at most {limit:,} characters, not {len(text):,}"


def _required_text(
    text: str, limit: int, *, empty: str, errors: dict[str, list[str]], name: str
) -> str:
    text = text.strip()
    if not text:
        errors[name] = [empty]
    elif len(text) > limit:
        errors[name] = [_too_long(text, limit)]
    return text


def _refuse(what: str, errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(f"{what}: {first}.", errors=errors)


def _owner(department: Department | None) -> tuple[Department, bool]:
    """The department that answers: the one named, or for the organization as a whole the
    one the settings route such suggestions to."""
    if department is not None:
        return department, False
    code = settings.STAFFDESK_SUGGESTIONS_DEPARTMENT
    routed = Department.objects.filter(code=code).first()
    if routed is None:
        raise ValidationFailed(
            f"Suggestions to the whole organization go to department {code}, which does not "
            "exist here: choose a department.",
            errors={"department": ["choose a department"]},
        )
    return routed, True


def _respond_by(department_id: int, created_at: datetime) -> datetime:
    target = ResponseTarget.objects.filter(department_id=department_id).first()
    days = target.business_days if target else settings.STAFFDESK_SUGGESTION_RESPONSE_DAYS
    calendar = department_calendar(department_id, now=created_at)
    return business_days_later(created_at, days, calendar)


def _url(suggestion: Suggestion) -> str:
    return reverse("feedback:suggestion", args=[suggestion.pk])


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%A %-d %B %Y}"


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT].rstrip() + "…"


def _department_leads(department: Department) -> list[Person]:
    """Whom a new suggestion is told to: the department's lead, else its team's leads."""
    if department.lead_id is not None and department.lead is not None:
        leads = [department.lead]
    else:
        leads = list(
            Person.objects.filter(
                memberships__department=department, memberships__role=Membership.Role.LEAD
            )
        )
    return [lead for lead in leads if lead.is_active]


def _tell_department(suggestion: Suggestion, author: Person | None, moment: datetime) -> None:
    department = suggestion.department
    who = author.display_name if author is not None else "A colleague (anonymously)"
    routed = (
        " (to the organization as a whole, routed to you)" if suggestion.to_organization else ""
    )
    body = (
        f"{who} suggests{routed}:\n\n{suggestion.title}\n\n{_excerpt(suggestion.body)}\n\n"
        f"Please answer by {_day(suggestion.respond_by)}."
    )
    # The lead is told even of their own anonymous suggestion: leaving them out would say who.
    leads = [
        lead for lead in _department_leads(department) if author is None or lead.pk != author.pk
    ]
    notification_create_many(
        drafts=[
            Notice(
                recipient=lead,
                kind=NEW_KIND,
                subject=f"New suggestion to {department.name}: {suggestion.title}",
                body=body,
                url=_url(suggestion),
                thread_key=f"suggestion-{suggestion.pk}",
            )
            for lead in leads
        ],
        now=moment,
    )


def _tell_followers(
    suggestion: Suggestion, *, subject: str, body: str, actor: Person, moment: datetime
) -> None:
    """Each follower of the suggestion or of one merged into it, once (not the actor)."""
    notification_create_many(
        drafts=[
            Notice(
                recipient=person,
                kind=UPDATE_KIND,
                subject=subject,
                body=body,
                url=_url(suggestion),
                thread_key=f"suggestion-{suggestion.pk}",
            )
            for person in followers_to_tell(suggestion, besides=[actor.pk])
        ],
        now=moment,
    )


@transaction.atomic
def suggestion_submit(
    *,
    author: Person,
    title: str,
    body: str,
    department: Department | None = None,
    service: Service | None = None,
    anonymous: bool = False,
    now: datetime | None = None,
) -> Submitted:
    """Suggest an improvement to `department` (None: to the organization as a whole, routed
    to the settings' department). Named, its author follows it; anonymous, it stores no
    author and returns the private follow link's secret. The department's lead is told."""
    moment = clock.resolve(now)
    errors: dict[str, list[str]] = {}
    title = _required_text(
        title, MAX_TITLE, empty="give the suggestion a title", errors=errors, name="title"
    )
    body = _required_text(
        body, MAX_BODY, empty="describe what should change", errors=errors, name="body"
    )
    _refuse("The suggestion cannot be sent", errors)
    owner, to_organization = _owner(department)
    if service is not None and not to_organization and service.department_id != owner.pk:
        raise ValidationFailed(
            f"{service.name} is a service of another department: suggest it to them, or to "
            "the organization as a whole.",
            errors={"service": [f"not a service of {owner.name}"]},
        )
    secret = secrets.token_urlsafe(SECRET_BYTES) if anonymous else ""
    suggestion = Suggestion.objects.create(
        department=owner,
        to_organization=to_organization,
        service=service,
        title=title,
        body=body,
        author=None if anonymous else author,
        is_anonymous=anonymous,
        follow_secret_hash=secret_hash(secret) if anonymous else "",
        created_at=moment,
        updated_at=moment,
        respond_by=_respond_by(owner.pk, moment),
    )
    if not anonymous:
        Follower.objects.create(suggestion=suggestion, person=author, created_at=moment)
    _tell_department(suggestion, None if anonymous else author, moment)
    return Submitted(suggestion=suggestion, follow_secret=secret)


def _locked(ids: Iterable[int]) -> dict[int, Suggestion]:
    """The suggestions' rows locked, always in the order of their ids (so two writes that
    lock the same two never wait on each other)."""
    rows = Suggestion.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {row.pk: row for row in rows}


def _locked_with_target(suggestion: Suggestion) -> tuple[Suggestion, Suggestion | None]:
    """The suggestion and what it is merged into, both locked (read again if a merge or an
    unmerge moved it between the read and the lock)."""
    target_id = Suggestion.objects.filter(pk=suggestion.pk).values_list("merged_into", flat=True)
    expected = target_id.first()
    while True:
        rows = _locked([suggestion.pk, *([expected] if expected else [])])
        current = rows[suggestion.pk]
        if current.merged_into_id == expected:
            return current, rows.get(expected) if expected else None
        expected = current.merged_into_id


def _recount(suggestion_id: int) -> int:
    """Store the union of its voters and those of the suggestions merged into it (the
    caller holds its row lock)."""
    count = voter_ids(suggestion_id).count()
    Suggestion.objects.filter(pk=suggestion_id).update(vote_count=count)
    return count


def _fresh(suggestion_id: int) -> Suggestion:
    return Suggestion.objects.select_related("department", "service", "author", "merged_into").get(
        pk=suggestion_id
    )


def _require_team(actor: Person, suggestion: Suggestion, what: str) -> None:
    if not is_agent_of(actor, suggestion.department_id):
        raise PermissionDenied(f"Only the team of the department that owns it {what}.")


@transaction.atomic
def suggestion_vote(
    *, suggestion: Suggestion, person: Person, now: datetime | None = None
) -> Suggestion:
    """One vote per person; the voter follows it (unless they unfollowed it before)."""
    moment = clock.resolve(now)
    current = _locked([suggestion.pk])[suggestion.pk]
    if current.status == Status.MERGED and current.merged_into_id is not None:
        target = Suggestion.objects.only("title").get(pk=current.merged_into_id)
        raise Conflict(
            f"This suggestion was merged into “{target.title}”: vote on {target.pk} instead.",
            errors={"suggestion": [f"vote on {target.pk}"]},
        )
    if current.status in (Status.DONE, Status.DECLINED):
        raise Conflict(
            f"This suggestion is {current.get_status_display().lower()}: voting on it is over."
        )
    already = Conflict(
        "You have already voted for this suggestion: one vote each.",
        errors={"person": ["already voted"]},
    )
    if Vote.objects.filter(suggestion=current, person=person).exists():
        raise already
    try:
        with transaction.atomic():
            Vote.objects.create(suggestion=current, person=person, created_at=moment)
    except IntegrityError as exc:  # the same person's vote from another request, just now
        raise already from exc
    Follower.objects.get_or_create(
        suggestion=current, person=person, defaults={"created_at": moment}
    )
    _recount(current.pk)
    return _fresh(current.pk)


@transaction.atomic
def suggestion_unvote(
    *, suggestion: Suggestion, person: Person, now: datetime | None = None
) -> Suggestion:
    """Withdraw one's vote (from its count and that of what it is merged into); one keeps
    following it until one unfollows."""
    clock.resolve(now)
    current, target = _locked_with_target(suggestion)
    deleted, _ = Vote.objects.filter(suggestion=current, person=person).delete()
    if not deleted:
        raise Conflict(
            "You have not voted for this suggestion.", errors={"person": ["no vote to withdraw"]}
        )
    _recount(current.pk)
    if target is not None:
        _recount(target.pk)
    return _fresh(current.pk)


@transaction.atomic
def suggestion_follow(
    *, suggestion: Suggestion, person: Person, now: datetime | None = None
) -> Follower:
    moment = clock.resolve(now)
    follower, created = Follower.objects.get_or_create(
        suggestion=suggestion, person=person, defaults={"created_at": moment}
    )
    if not created and not follower.active:
        follower.active = True
        follower.save(update_fields=["active"])
    return follower


@transaction.atomic
def suggestion_unfollow(
    *, suggestion: Suggestion, person: Person, now: datetime | None = None
) -> None:
    """Stop being told of its changes; kept as an inactive row, so voting later does not
    make one follow it again."""
    clock.resolve(now)
    Follower.objects.filter(suggestion=suggestion, person=person).update(active=False)


@transaction.atomic
def suggestion_comment(
    *,
    suggestion: Suggestion,
    author: Person | None,
    body: str,
    by_anonymous_author: bool = False,
    now: datetime | None = None,
) -> Comment:
    """A comment by a colleague, or (`by_anonymous_author`, through the private link, with
    no author) by the suggestion's anonymous author."""
    moment = clock.resolve(now)
    if by_anonymous_author != (author is None):
        raise ValueError("a comment has an author, or is the anonymous author's, not both")
    if by_anonymous_author and not suggestion.is_anonymous:
        raise PermissionDenied("Only an anonymous suggestion's author comments without a name.")
    errors: dict[str, list[str]] = {}
    body = _required_text(
        body, COMMENT_MAX, empty="write your comment first", errors=errors, name="body"
    )
    _refuse("The comment cannot be posted", errors)
    return Comment.objects.create(
        suggestion=suggestion,
        author=author,
        by_anonymous_author=by_anonymous_author,
        body=body,
        created_at=moment,
    )


def _check_response(current: Suggestion, status: str, body: str, what_changed: str) -> None:
    """Refuse a response the suggestion cannot take as it stands now."""
    errors: dict[str, list[str]] = {}
    if status and status not in Status.values:
        errors["status"] = [f"one of {', '.join(next_statuses(Status.SUBMITTED))}"]
    elif status == Status.MERGED:
        errors["status"] = ["to merge it, merge it into the other suggestion"]
    if len(body) > MAX_BODY:
        errors["body"] = [_too_long(body, MAX_BODY)]
    elif status == Status.DECLINED and not body:
        errors["body"] = ["declining needs a reason: write it in the response"]
    elif not body and not status:
        errors["body"] = ["write the response, or choose the status it moves the suggestion to"]
    if len(what_changed) > MAX_BODY:
        errors["what_changed"] = [_too_long(what_changed, MAX_BODY)]
    elif status == Status.DONE and not what_changed:
        errors["what_changed"] = ["say what is different now that it is done"]
    elif what_changed and status != Status.DONE:
        errors["what_changed"] = ["what changed goes with “done”"]
    _refuse("The response cannot be saved", errors)
    if current.status == Status.MERGED:
        raise Conflict(
            "This suggestion is merged into another: respond to that one.",
            errors={"suggestion": [f"merged into {current.merged_into_id}"]},
        )
    if status and status not in next_statuses(current.status):
        allowed = [Status(value).label.lower() for value in next_statuses(current.status)]
        where = f"it can move to {', '.join(allowed)}" if allowed else "its status is final"
        raise Conflict(
            f"The suggestion is {current.get_status_display().lower()}: {where}, not "
            f"{Status(status).label.lower()}.",
            errors={"status": [where]},
        )


def _publish(
    current: Suggestion, responses: Sequence[Response], *, actor: Person, moment: datetime
) -> None:
    """Publish the suggestion's responses in order (each moving its status on) and tell its
    followers once, of them all."""
    before = current.status
    for response in responses:
        _check_response(current, response.status, response.body, response.what_changed)
        response.published_at = moment
        response.updated_at = moment
        response.save(update_fields=["published_at", "updated_at"])
        if current.responded_at is None:
            current.responded_at = moment
        if response.status:
            current.status = response.status
        if response.status == Status.DONE:
            current.done_at = moment
            current.help_due_at = moment + HELP_DELAY
        elif response.status == Status.DECLINED:
            current.decline_reason = response.body
    current.updated_at = moment
    current.save(
        update_fields=[
            "status",
            "responded_at",
            "done_at",
            "help_due_at",
            "decline_reason",
            "updated_at",
        ]
    )
    department = Department.objects.only("name").get(pk=current.department_id)
    if current.status != before:
        subject = f"“{current.title}” is now {current.get_status_display().lower()}"
    else:
        subject = f"{department.name} responded to “{current.title}”"
    parts = []
    for response in responses:
        moved = f" ({Status(response.status).label.lower()})" if response.status else ""
        text = f"{department.name}{moved}:\n{response.body}".rstrip()
        if response.what_changed:
            text += f"\n\nWhat changed:\n{response.what_changed}"
        parts.append(text)
    _tell_followers(current, subject=subject, body="\n\n".join(parts), actor=actor, moment=moment)


@transaction.atomic
def suggestion_respond(
    *,
    suggestion: Suggestion,
    actor: Person,
    body: str,
    status: str = "",
    what_changed: str = "",
    publish: bool = True,
    now: datetime | None = None,
) -> Response:
    """The owning team's response, moving the suggestion on to `status` (none: a reply
    only). Published at once, or (`publish=False`) a draft its team alone sees until
    `suggestion_responses_publish`. Declining needs a reason (the body); done, what changed."""
    moment = clock.resolve(now)
    current = _locked([suggestion.pk])[suggestion.pk]
    _require_team(actor, current, "responds to it")
    body, what_changed = body.strip(), what_changed.strip()
    _check_response(current, status, body, what_changed)
    response = Response.objects.create(
        suggestion=current,
        written_by=actor,
        body=body,
        status=status,
        what_changed=what_changed,
        created_at=moment,
        updated_at=moment,
    )
    if publish:
        _publish(current, [response], actor=actor, moment=moment)
    return response


@transaction.atomic
def suggestion_responses_publish(
    *,
    department: Department,
    actor: Person,
    response_ids: Sequence[int],
    now: datetime | None = None,
) -> list[Response]:
    """Publish a batch of the department's drafts at once: all of them or (one refused)
    none; the followers of each suggestion are told once, of all its responses."""
    moment = clock.resolve(now)
    if not is_agent_of(actor, department.pk):
        raise PermissionDenied(f"Only {department.name}'s team publishes its responses.")
    wanted = sorted(set(response_ids))
    if not wanted:
        raise ValidationFailed(
            "Choose the drafts to publish.", errors={"response_ids": ["choose at least one"]}
        )
    if len(wanted) > PUBLISH_MAX:
        raise ValidationFailed(
            f"Publish at most {PUBLISH_MAX} drafts at once.",
            errors={"response_ids": [f"at most {PUBLISH_MAX}"]},
        )
    found = list(
        Response.objects.filter(pk__in=wanted, suggestion__department=department).order_by(
            "created_at", "id"
        )
    )
    missing = sorted(set(wanted) - {response.pk for response in found})
    if missing:
        raise NotFound(
            f"No response {', '.join(map(str, missing))} to {department.name}'s suggestions.",
            errors={"response_ids": [f"unknown: {', '.join(map(str, missing))}"]},
        )
    published = [response.pk for response in found if response.published_at is not None]
    if published:
        raise Conflict(
            f"Already published: {', '.join(map(str, published))}.",
            errors={"response_ids": [f"already published: {', '.join(map(str, published))}"]},
        )
    by_suggestion: dict[int, list[Response]] = defaultdict(list)
    for response in found:
        by_suggestion[response.suggestion_id].append(response)
    locked = _locked(by_suggestion)
    for suggestion_id in sorted(by_suggestion):
        _publish(locked[suggestion_id], by_suggestion[suggestion_id], actor=actor, moment=moment)
    return found


@transaction.atomic
def suggestion_merge(
    *, suggestion: Suggestion, into: Suggestion, actor: Person, now: datetime | None = None
) -> Suggestion:
    """Merge a duplicate into another suggestion (of any department): the target counts the
    union of both voters; the duplicate's followers hear of the target from now on."""
    moment = clock.resolve(now)
    if suggestion.pk == into.pk:
        raise ValidationFailed(
            "A suggestion cannot be merged into itself: choose the one it duplicates.",
            errors={"into": ["choose another suggestion"]},
        )
    rows = _locked([suggestion.pk, into.pk])
    source, target = rows[suggestion.pk], rows[into.pk]
    _require_team(actor, source, "merges it")
    if source.status == Status.MERGED:
        raise Conflict(
            f"It is already merged into {source.merged_into_id}: unmerge it first.",
            errors={"suggestion": ["already merged"]},
        )
    if source.status in (Status.DONE, Status.DECLINED):
        raise Conflict(
            f"It is {source.get_status_display().lower()}: only an open suggestion is merged.",
            errors={"suggestion": [source.get_status_display().lower()]},
        )
    if target.status == Status.MERGED:
        raise Conflict(
            f"“{target.title}” is itself merged into {target.merged_into_id}: merge into that one.",
            errors={"into": [f"merged into {target.merged_into_id}"]},
        )
    if Suggestion.objects.filter(merged_into=source).exists():
        raise Conflict(
            "Other suggestions are merged into this one: merge those into the target first, "
            "or merge the target into this one.",
            errors={"suggestion": ["others are merged into it"]},
        )
    if source.restricted or target.restricted:
        raise Conflict(
            "A suggestion visible to its department and author only is not merged: its title "
            "would show on the other one.",
            errors={"into" if target.restricted else "suggestion": ["restricted"]},
        )
    source.status = Status.MERGED
    source.merged_into = target
    source.updated_at = moment
    source.save(update_fields=["status", "merged_into", "updated_at"])
    _recount(target.pk)
    _tell_followers(
        source,
        subject=f"“{source.title}” is merged into “{target.title}”",
        body=f"It duplicates “{target.title}”; its votes count there, and you will hear of "
        "that suggestion's changes.",
        actor=actor,
        moment=moment,
    )
    return _fresh(source.pk)


@transaction.atomic
def suggestion_unmerge(
    *, suggestion: Suggestion, actor: Person, now: datetime | None = None
) -> Suggestion:
    """Undo a merge: it goes back to the status it had, and both count their own voters."""
    moment = clock.resolve(now)
    source, target = _locked_with_target(suggestion)
    _require_team(actor, source, "unmerges it")
    if source.status != Status.MERGED or target is None:
        raise Conflict("It is not merged.", errors={"suggestion": ["not merged"]})
    source.status = status_before_merge(source)
    source.merged_into = None
    source.updated_at = moment
    source.save(update_fields=["status", "merged_into", "updated_at"])
    _recount(target.pk)
    _recount(source.pk)
    _tell_followers(
        source,
        subject=f"“{source.title}” is no longer merged",
        body=f"It is a suggestion of its own again ({source.get_status_display().lower()}), "
        f"apart from “{target.title}”.",
        actor=actor,
        moment=moment,
    )
    return _fresh(source.pk)


@transaction.atomic
def suggestion_restrict(
    *, suggestion: Suggestion, actor: Person, restricted: bool, now: datetime | None = None
) -> Suggestion:
    """Mark it "visible to us and the author only" (a personnel matter), or open it again."""
    moment = clock.resolve(now)
    current = _locked([suggestion.pk])[suggestion.pk]
    _require_team(actor, current, "restricts it")
    if restricted and (
        current.status == Status.MERGED or Suggestion.objects.filter(merged_into=current).exists()
    ):
        raise Conflict(
            "A merged suggestion, or one others are merged into, is seen on the others' pages: "
            "unmerge them first.",
            errors={"restricted": ["unmerge first"]},
        )
    current.restricted = restricted
    current.updated_at = moment
    current.save(update_fields=["restricted", "updated_at"])
    return _fresh(current.pk)


def suggestion_help_due(*, now: datetime | None = None) -> int:
    """Ask "did it help?" of the suggestions done four weeks ago: once, of their named
    author and their voters (the anonymous author sees it through the private link, when
    the suggestion has one). Returns how many were asked."""
    moment = clock.resolve(now)
    due = list(
        Suggestion.objects.filter(
            help_asked_at__isnull=True, help_due_at__isnull=False, help_due_at__lte=moment
        )
        .order_by("help_due_at", "id")
        .values_list("pk", flat=True)[:HELP_BATCH]
    )
    return sum(_ask_help(suggestion_id, moment) for suggestion_id in due)


@transaction.atomic
def _ask_help(suggestion_id: int, moment: datetime) -> int:
    # The conditional UPDATE is the claim: of two workers, one asks.
    claimed = Suggestion.objects.filter(pk=suggestion_id, help_asked_at__isnull=True).update(
        help_asked_at=moment
    )
    if not claimed:
        return 0
    suggestion = Suggestion.objects.get(pk=suggestion_id)
    if suggestion.status != Status.DONE:
        return 0
    people = help_recipients(suggestion)
    notification_create_many(
        drafts=[
            Notice(
                recipient=person,
                kind=HELP_KIND,
                subject=f"Did it help? “{suggestion.title}”",
                body=f"“{suggestion.title}” was done four weeks ago. Did it help? Answer yes, "
                "partly or no on its page.",
                url=_url(suggestion) + "#did-it-help",
                thread_key=f"suggestion-{suggestion.pk}",
            )
            for person in people
        ],
        now=moment,
    )
    return len(people) + (1 if suggestion.is_anonymous and suggestion.follow_secret_hash else 0)


@transaction.atomic
def suggestion_help_answer(
    *,
    suggestion: Suggestion,
    answer: str,
    person: Person | None = None,
    by_anonymous_author: bool = False,
    now: datetime | None = None,
) -> HelpAnswer:
    """Answer "did it help?" (yes, partly, no), or change one's answer: its named author and
    its voters, or (`by_anonymous_author`, through the private link) its anonymous author."""
    moment = clock.resolve(now)
    if by_anonymous_author != (person is None):
        raise ValueError("an answer is a person's or the anonymous author's, not both")
    if answer not in HelpAnswer.Answer.values:
        raise ValidationFailed(
            "Answer yes, partly or no.", errors={"answer": ["one of yes, partly, no"]}
        )
    suggestion = _locked([suggestion.pk])[suggestion.pk]
    if suggestion.help_asked_at is None:
        raise Conflict(
            "“Did it help?” is asked four weeks after a suggestion is done; it has not been "
            "asked about this one."
        )
    if by_anonymous_author:
        if not suggestion.is_anonymous:
            raise PermissionDenied("Only an anonymous suggestion's author answers without a name.")
        mine = HelpAnswer.objects.filter(suggestion=suggestion, by_anonymous_author=True)
    else:
        assert person is not None
        if person.pk != suggestion.author_id and person.pk not in set(voter_ids(suggestion.pk)):
            raise PermissionDenied("Only its author and those who voted for it are asked.")
        mine = HelpAnswer.objects.filter(suggestion=suggestion, person=person)
    existing = mine.select_for_update().first()
    if existing is not None:
        existing.answer = answer
        existing.save(update_fields=["answer"])
        return existing
    try:
        with transaction.atomic():
            return HelpAnswer.objects.create(
                suggestion=suggestion,
                person=person,
                by_anonymous_author=by_anonymous_author,
                answer=answer,
                created_at=moment,
            )
    except IntegrityError as exc:
        raise Conflict("Your answer was just recorded; reload to see it.") from exc
