"""Reads of the suggestion box, through each model's `visible_to(user)`.

The parts shown with a page of suggestions (their responses, "did it help?" counts) are read
for the suggestions the page read through `Suggestion.visible_to`: the published responses
of a suggestion one sees are exactly the `Response.visible_to` rows one sees of it, and
reading them by those ids spares the parts' own rule its subquery over every suggestion.
The private follow link reads by its secret alone (whoever holds it is the anonymous author);
the reads the services need to tell people (followers, voters) are read for the system.

The reads, by page: `lists` (lists, search, one suggestion, the private link),
`board_page` ("You said, we did" and the departments' counts), `queue_page` (a
department's queue), `people` (whom the services tell); `common` holds what they share.
"""

from staffdesk.feedback.selectors.suggestions.board_page import (
    BOARD_DAYS,
    Board,
    BoardItem,
    DepartmentStats,
    SuggestionCounts,
    board,
    department_suggestion_counts,
)
from staffdesk.feedback.selectors.suggestions.common import (
    FORWARD,
    OPEN_STATUSES,
    PAGE_SIZE,
    STATUS_FILTERS,
    Status,
    may_answer,
    next_statuses,
    secret_hash,
)
from staffdesk.feedback.selectors.suggestions.lists import (
    SECRET_MAX,
    SIMILAR_CANDIDATES,
    SIMILAR_LIMIT,
    SIMILAR_RECENT,
    SORTS,
    Marks,
    PrivateView,
    SuggestionFilters,
    access_private_suggestion,
    access_suggestion,
    comment_list,
    help_counts,
    merged_list,
    my_marks,
    private_view,
    response_list,
    similar_suggestions,
    suggestion_list,
    suggestion_page,
)
from staffdesk.feedback.selectors.suggestions.people import (
    followers_to_tell,
    help_recipients,
    status_before_merge,
    voter_ids,
)
from staffdesk.feedback.selectors.suggestions.queue_page import (
    QUEUE_SORTS,
    Queue,
    access_queue_department,
    department_queue,
    queue_departments,
    queue_export,
)

__all__ = [
    "BOARD_DAYS",
    "FORWARD",
    "OPEN_STATUSES",
    "PAGE_SIZE",
    "QUEUE_SORTS",
    "SECRET_MAX",
    "SIMILAR_CANDIDATES",
    "SIMILAR_LIMIT",
    "SIMILAR_RECENT",
    "SORTS",
    "STATUS_FILTERS",
    "Board",
    "BoardItem",
    "DepartmentStats",
    "Marks",
    "PrivateView",
    "Queue",
    "Status",
    "SuggestionCounts",
    "SuggestionFilters",
    "access_private_suggestion",
    "access_queue_department",
    "access_suggestion",
    "board",
    "comment_list",
    "department_queue",
    "department_suggestion_counts",
    "followers_to_tell",
    "help_counts",
    "help_recipients",
    "may_answer",
    "merged_list",
    "my_marks",
    "next_statuses",
    "private_view",
    "queue_departments",
    "queue_export",
    "response_list",
    "secret_hash",
    "similar_suggestions",
    "status_before_merge",
    "suggestion_list",
    "suggestion_page",
    "voter_ids",
]
