"""The suggestion box: suggestions to a department, their votes, comments, followers, the
department's responses, and the "did it help?" answers after one is done.

An anonymous suggestion stores no author at all (not hidden: absent), so no surface can
show what the database does not hold. Its author follows it through a private link whose
secret is kept only as a hash (`follow_secret_hash`); see docs/architecture.md.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import F, Q

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.directory.models import Department, Person
from staffdesk.directory.selectors import team_department_ids
from staffdesk.directory.types import Viewer

MAX_TITLE = 200
MAX_BODY = 20_000


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"
    MERGED = "merged", "Merged"


# No further status follows these (a merge can be undone, which is not a status change).
FINAL_STATUSES = (SuggestionStatus.DONE, SuggestionStatus.DECLINED, SuggestionStatus.MERGED)


def _owning_team_q(user: Viewer, field: str = "department_id") -> Q:
    teams = sorted(team_department_ids(user))
    return Q(**{f"{field}__in": teams}) if teams else Q(pk__in=[])


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def visible_to(self, user: Viewer) -> SuggestionQuerySet:
        """Every signed-in employee sees every suggestion, except those the owning department
        marked "visible to us and the author only": those its team and their (named) author
        see, as a confidential case; organization admins see them no more than such a case."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(
            Q(restricted=False) | _owning_team_q(user) | Q(author_id=user.pk, author__isnull=False)
        )


class Suggestion(models.Model):
    """An employee's suggestion to a department (or to the organization, routed to one)."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="suggestions",
        db_index=False,
        help_text="The department that owns it and answers it.",
    )
    to_organization = models.BooleanField(
        default=False, help_text="Sent to the organization as a whole, routed to this department."
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    title = models.CharField(max_length=MAX_TITLE)
    body = models.TextField(help_text="Markdown, shown sanitised.")
    # None when anonymous: the author is not stored at all.
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    is_anonymous = models.BooleanField(default=False)
    follow_secret_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the author's private follow link."
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Visible to the owning department and the author only (a personnel matter).",
    )

    status = models.CharField(
        max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.SUBMITTED
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    decline_reason = models.TextField(blank=True)
    # The union of its own voters and those of the suggestions merged into it.
    vote_count = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    respond_by = models.DateTimeField(
        help_text="The department's response target (business days in its calendar)."
    )
    responded_at = models.DateTimeField(
        null=True, blank=True, help_text="The department's first published response."
    )
    done_at = models.DateTimeField(null=True, blank=True)
    help_due_at = models.DateTimeField(
        null=True, blank=True, help_text='When "did it help?" is asked (four weeks after done).'
    )
    help_asked_at = models.DateTimeField(null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(author__isnull=True),
                name="feedback_suggestion_anonymous_has_no_author",
                violation_error_code="author",
                violation_error_message="An anonymous suggestion has no author: clear the author.",
            ),
            models.CheckConstraint(
                condition=~Q(status=SuggestionStatus.DECLINED) | ~Q(decline_reason=""),
                name="feedback_suggestion_declined_has_reason",
                violation_error_code="decline_reason",
                violation_error_message="A declined suggestion needs a decline reason.",
            ),
            models.CheckConstraint(
                condition=(Q(status=SuggestionStatus.MERGED) & Q(merged_into__isnull=False))
                | (~Q(status=SuggestionStatus.MERGED) & Q(merged_into__isnull=True)),
                name="feedback_suggestion_merged_has_target",
                violation_error_code="merged_into",
                violation_error_message=(
                    "A merged suggestion names the suggestion it was merged into (merged into), "
                    "and only a merged one does."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")),
                name="feedback_suggestion_not_merged_into_itself",
                violation_error_code="merged_into",
                violation_error_message="A suggestion cannot be merged into itself.",
            ),
        ]
        indexes = [
            # A department's queue: its open suggestions by response target.
            models.Index(fields=["department", "status", "respond_by"], name="suggestion_queue"),
            # "You said, we did": done in the last twelve months, newest first.
            models.Index(fields=["-done_at"], condition=Q(status="done"), name="suggestion_done"),
            models.Index(
                fields=["help_due_at"],
                condition=Q(help_asked_at__isnull=True, help_due_at__isnull=False),
                name="suggestion_help_due",
            ),
            models.Index(fields=["follow_secret_hash"], name="suggestion_follow_secret"),
            # What each department received in a period and how it answered (the board's and
            # the scorecards' counts), read from the index alone.
            models.Index(
                fields=[
                    "department",
                    "created_at",
                    "status",
                    "responded_at",
                    "respond_by",
                    "restricted",
                    "author",
                ],
                name="suggestion_received",
            ),
            # The list of suggestions, newest or most voted first.
            models.Index(fields=["-created_at", "-id"], name="suggestion_newest"),
            models.Index(fields=["-vote_count", "-id"], name="suggestion_most_voted"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Unanswered past its response target (a merged one is answered by its target)."""
        return (
            self.responded_at is None
            and self.status == SuggestionStatus.SUBMITTED
            and self.respond_by <= clock.resolve(now)
        )


class ResponseTargetQuerySet(models.QuerySet["ResponseTarget"]):
    def visible_to(self, user: Viewer) -> ResponseTargetQuerySet:
        """Every signed-in employee: a department's promise to answer is public."""
        if not (user and user.is_authenticated):
            return self.none()
        return self


class ResponseTarget(models.Model):
    """A department's own target for answering new suggestions (without one, the setting's)."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="suggestion_target"
    )
    business_days = models.PositiveSmallIntegerField(
        default=10, help_text="Business days to answer a new suggestion in."
    )
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose business days; empty: the calendar of the department's agreement.",
    )

    objects = ResponseTargetQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(business_days__gte=1, business_days__lte=250),
                name="feedback_response_target_days",
                violation_error_code="business_days",
                violation_error_message="Business days is a whole number from 1 to 250.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.business_days} business days"


def _visible_suggestion_q(user: Viewer, prefix: str = "suggestion__") -> Q:
    """The rows of a suggestion's part that `user` may see: those of a suggestion they see."""
    return Q(**{f"{prefix}in": Suggestion.objects.visible_to(user)})


class VoteQuerySet(models.QuerySet["Vote"]):
    def visible_to(self, user: Viewer) -> VoteQuerySet:
        """Who voted is seen by the voter and by the owning department's team; everyone else
        sees counts only."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(Q(person_id=user.pk) | _owning_team_q(user, "suggestion__department_id"))


class Vote(models.Model):
    """One person's vote for a suggestion (withdrawing it deletes the row)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="suggestion_votes")
    created_at = models.DateTimeField(default=clock.now)

    objects = VoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "person"],
                name="feedback_vote_once",
                violation_error_code="person",
                violation_error_message="This person has already voted for this suggestion.",
            ),
        ]
        indexes = [models.Index(fields=["person", "suggestion"], name="feedback_vote_person")]

    def __str__(self) -> str:
        return f"{self.person_id} → suggestion {self.suggestion_id}"


class FollowerQuerySet(models.QuerySet["Follower"]):
    def visible_to(self, user: Viewer) -> FollowerQuerySet:
        """A person sees only what they follow."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(person_id=user.pk)


class Follower(models.Model):
    """A person told of a suggestion's changes; `active` False once they unfollowed (kept, so
    that voting again does not follow them again)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="followers")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="followed_suggestions"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "person"],
                name="feedback_follower_once",
                violation_error_code="person",
                violation_error_message="This person already follows this suggestion.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} follows {self.suggestion_id}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible_to(self, user: Viewer) -> CommentQuerySet:
        """Whoever sees the suggestion sees its comments."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(_visible_suggestion_q(user))


class Comment(models.Model):
    """A comment on a suggestion, by a colleague or, through the private link, its anonymous
    author (then no person is stored)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_anonymous_author = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(by_anonymous_author=False) | Q(author__isnull=True),
                name="feedback_comment_anonymous_has_no_author",
                violation_error_code="author",
                violation_error_message="A comment by the anonymous author has no author.",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.suggestion_id}"


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: Viewer) -> ResponseQuerySet:
        """Published responses to whoever sees the suggestion; drafts to its owning team."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(
            (Q(published_at__isnull=False) & _visible_suggestion_q(user))
            | _owning_team_q(user, "suggestion__department_id")
        )


class Response(models.Model):
    """The owning department's answer to a suggestion, with the status it moves it to; a
    draft until published (a department may publish a batch at once)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="responses")
    written_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(blank=True, help_text="Markdown; the reason when declining.")
    status = models.CharField(
        max_length=16,
        choices=SuggestionStatus.choices,
        blank=True,
        help_text="The status publishing this moves the suggestion to (none: a reply only).",
    )
    what_changed = models.TextField(blank=True, help_text='For "done": what is different now.')
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=SuggestionStatus.DECLINED) | ~Q(body=""),
                name="feedback_response_decline_has_reason",
                violation_error_code="body",
                violation_error_message="Declining needs a reason: write it in the body.",
            ),
            models.CheckConstraint(
                condition=~Q(status=SuggestionStatus.MERGED),
                name="feedback_response_not_merge",
                violation_error_code="status",
                violation_error_message="A merge is not a response status: merge the suggestion.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["suggestion"], condition=Q(published_at__isnull=True), name="response_draft"
            )
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.suggestion_id}"


class HelpAnswerQuerySet(models.QuerySet["HelpAnswer"]):
    def visible_to(self, user: Viewer) -> HelpAnswerQuerySet:
        """A person sees their own answer, the owning team every answer; the board shows
        everyone the counts only."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(Q(person_id=user.pk) | _owning_team_q(user, "suggestion__department_id"))


class HelpAnswer(models.Model):
    """An answer to "did it help?", asked four weeks after a suggestion was done."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="help_answers"
    )
    # None for the anonymous author answering through the private link.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    by_anonymous_author = models.BooleanField(default=False)
    answer = models.CharField(max_length=8, choices=Answer.choices)
    created_at = models.DateTimeField(default=clock.now)

    objects = HelpAnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "person"],
                name="feedback_help_answer_once",
                violation_error_code="person",
                violation_error_message="This person has already answered for this suggestion.",
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(by_anonymous_author=True),
                name="feedback_help_answer_anonymous_once",
                violation_error_code="suggestion",
                violation_error_message="The anonymous author has already answered for this "
                "suggestion.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer} for {self.suggestion_id}"
