"""The demo's data files (`data/*.toml`), read into the typed specs the generator plays.

Each file says in its header what its keys mean. Durations of business time are written
"30m", "4h" or "2d", a day being one working day of the demo calendar (`agreements.toml`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")

# A field is required unless its data says otherwise for these datatypes, optional for the
# others (text, multivaluelist).
REQUIRED_BY_DEFAULT = {"string", "number", "datetime", "singlevaluelist", "person"}


@cache
def load(name: str) -> dict[str, Any]:
    """One data file, parsed (once per process)."""
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


# --- Organization -----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    """One demo employee; the first of each department is its lead."""

    username: str
    first_name: str
    last_name: str
    title: str
    manager: str | None = None  # a username; a department lead's manager is outside it
    agent: bool = False  # on the department's service team
    superuser: bool = False


@dataclass(frozen=True)
class Absence:
    """Someone away at the end of the history: since `working_days_before` now, through
    `days_after` it, their new work routed to `delegate`."""

    person: str
    delegate: str
    working_days_before: int
    days_after: int


@dataclass(frozen=True)
class SignIn:
    """A well-known demo account and what to try with it."""

    role: str
    username: str
    who: str
    try_this: str

    @property
    def password(self) -> str:
        return password()


def password() -> str:
    return load("organization")["password"]


def email_domain() -> str:
    return load("organization")["email_domain"]


def departments() -> list[tuple[str, str, str | None]]:
    """(code, name, parent code), parents before their children."""
    return [(d["code"], d["name"], d.get("parent")) for d in load("organization")["departments"]]


def people() -> dict[str, list[PersonSpec]]:
    """People by department code, each department's lead first."""
    return {
        code: [PersonSpec(**person) for person in listed]
        for code, listed in load("organization")["people"].items()
    }


def absences() -> list[Absence]:
    return [Absence(**absence) for absence in load("organization")["away"]]


def sign_ins() -> tuple[SignIn, ...]:
    return tuple(SignIn(**sign_in) for sign_in in load("organization")["sign_ins"])


# --- Catalog ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One form question, with what demo requesters answer to it."""

    code: str
    label: str
    datatype: str
    required: bool = False
    description: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # lists: (key, name)
    samples: tuple[str, ...] = ()  # string and text answers
    low: float = 0  # number answers
    high: float = 0
    decimals: int = 0
    days: tuple[int, int] = (2, 30)  # datetime answers: days after filing
    # What the form accepts (FormField's limits); the drawn answers stay within them.
    min_value: float | None = None
    max_value: float | None = None
    whole_number: bool = False
    max_length: int | None = None
    not_in_past: bool = False
    within_days: int | None = None


@dataclass(frozen=True)
class ServiceSpec:
    """A service, its form, and the lines its cases are written with (see `catalog.toml`)."""

    department: str
    code: str
    name: str
    group: str
    description: str
    keywords: str
    point: str
    backup: str
    fields: tuple[FieldSpec, ...] = ()
    confidential: bool = False
    information: bool = False
    weight: int = 0
    customers: tuple[str, ...] = ()
    requests: tuple[tuple[str, str], ...] = ()
    questions: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()


def services() -> list[ServiceSpec]:
    data = load("catalog")
    named = data["choices"]
    return [_service(entry, named) for entry in data["services"]]


def _service(entry: dict[str, Any], named: dict[str, list[list[str]]]) -> ServiceSpec:
    entry = dict(entry)
    fields = tuple(_field(field, named) for field in entry.pop("fields", ()))
    for key in ("customers", "notes", "resolutions"):
        if key in entry:
            entry[key] = tuple(entry[key])
    for key in ("requests", "questions"):
        if key in entry:
            entry[key] = tuple(_pair(pair) for pair in entry[key])
    return ServiceSpec(fields=fields, **entry)


def _field(entry: dict[str, Any], named: dict[str, list[list[str]]]) -> FieldSpec:
    entry = dict(entry)
    entry.setdefault("required", entry["datatype"] in REQUIRED_BY_DEFAULT)
    if "choices" in entry:
        choices = entry["choices"]
        entry["choices"] = tuple(
            _pair(c) for c in (named[choices] if isinstance(choices, str) else choices)
        )
    if "samples" in entry:
        entry["samples"] = tuple(entry["samples"])
    if "days" in entry:
        low, high = entry["days"]
        entry["days"] = (low, high)
    return FieldSpec(**entry)


def _pair(values: list[str]) -> tuple[str, str]:
    first, second = values
    return first, second


# --- Agreements and escalation ----------------------------------------------------------


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's business calendar."""

    name: str
    time_zone: str
    holiday_country: str
    holiday_subdivision: str
    weekdays: tuple[int, ...]
    opens: time
    closes: time

    @property
    def day_minutes(self) -> int:
        """Business minutes in one working day: what "1d" means."""
        today = date(2000, 1, 3)
        span = datetime.combine(today, self.closes) - datetime.combine(today, self.opens)
        return int(span.total_seconds()) // 60


Targets = dict[int, tuple[int, int]]  # priority -> (first response, resolution), business minutes


@dataclass(frozen=True)
class Promise:
    """A providing department's agreement: targets and what each side commits to."""

    provider: str
    targets: Targets
    provides: str
    expects: str


def calendar() -> DemoCalendar:
    entry = dict(load("agreements")["calendar"])
    entry["weekdays"] = tuple(entry["weekdays"])
    return DemoCalendar(**entry)


def default_agreement() -> dict[str, Any]:
    """The organization default: name, provider code, commitments and targets."""
    entry = dict(load("agreements")["default"])
    entry["targets"] = _targets(entry["targets"])
    return entry


def promises() -> list[Promise]:
    return [
        Promise(
            provider=entry["provider"],
            targets=_targets(entry["targets"]),
            provides=entry["provides"],
            expects=entry["expects"],
        )
        for entry in load("agreements")["promises"]
    ]


def ladder() -> list[dict[str, Any]]:
    """The escalation levels, as fields of `escalation.Level`, in order."""
    levels = []
    for entry in load("escalation")["levels"]:
        level = dict(entry)
        if "business_time" in level:
            level["business_minutes"] = business_minutes(level.pop("business_time"))
        levels.append(level)
    return levels


def resolution_codes() -> list[dict[str, str]]:
    """The resolution codes, as fields of `requests.ResolutionCode`, in order."""
    return [dict(entry) for entry in load("resolutions")["codes"]]


def _targets(table: dict[str, list[str]]) -> Targets:
    return {
        int(priority): (business_minutes(response), business_minutes(resolution))
        for priority, (response, resolution) in table.items()
    }


def business_minutes(text: str) -> int:
    """ "30m", "4h" or "2d" in business minutes of the demo calendar."""
    units = {"m": 1, "h": 60, "d": calendar().day_minutes}
    number, unit = text[:-1], text[-1]
    if unit not in units or not number.isdigit():
        raise ValueError(f"{text!r} is not a business time such as 30m, 4h or 2d")
    return int(number) * units[unit]


# --- History ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Featured:
    """One of the employee sign-in's own cases."""

    service: str
    status: str
    age: float
    priority: int | None = None  # None: drawn like every other case's
    escalation: str = ""  # the requester escalates with this reason once the target passes


def history() -> dict[str, Any]:
    """The history file as parsed: request count, status weights, delays and lines."""
    return load("history")


def featured() -> list[Featured]:
    return [Featured(**entry) for entry in load("history")["featured"]]


def status_weights() -> list[tuple[float, dict[str, int]]]:
    return [(entry["until"], entry["weights"]) for entry in load("history")["status_weights"]]


def delays() -> dict[str, tuple[float, float]]:
    return {beat: (low, high) for beat, (low, high) in load("history")["delays"].items()}


def lines(name: str) -> tuple[str, ...]:
    """One list of what people write (`[lines]` of history.toml)."""
    return _lines(name)


@cache
def _lines(name: str) -> tuple[str, ...]:
    return tuple(load("history")["lines"][name])


# --- Announcements and service notices --------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """A question on an announcement, `asked` ago, and its answer (`answered` ago)."""

    asker: str
    text: str
    public: bool
    asked: str
    answer: str = ""
    answered: str = ""


@dataclass(frozen=True)
class EditSpec:
    """An edit of an announcement's body, `at` ago."""

    at: str
    body: str
    needs_reack: bool = False


@dataclass(frozen=True)
class AnnouncementSpec:
    """One announcement and what its audience did with it (see `announcements.toml`)."""

    department: str
    author: str
    title: str
    body: str
    audience: dict[str, Any]  # the keys of `announcements.selectors.resolve_audience`
    status: str  # published, scheduled or draft
    published: str = ""
    publish_ahead: str = ""
    ack_required: bool = False
    ack_due_days: int | None = None
    acted_until: str = "0m"
    acknowledged: tuple[str, ...] = ()
    viewed: tuple[str, ...] = ()
    edit: EditSpec | None = None
    questions: tuple[QuestionSpec, ...] = ()


@dataclass(frozen=True)
class NoticeSpec:
    """A service notice, who was affected and, for a past one, how it ended."""

    department: str
    author: str
    services: tuple[str, ...]
    kind: str
    title: str
    message: str
    started: str = ""
    starts_ahead: str = ""
    expected_end_ahead: str = ""
    affected: tuple[str, ...] = ()
    affected_until: str = "0m"
    resolved: str = ""
    resolved_by: str = ""
    closing: str = ""


def announcements() -> list[AnnouncementSpec]:
    specs = []
    for entry in load("announcements")["announcements"]:
        entry = dict(entry)
        for key in ("acknowledged", "viewed"):
            entry[key] = tuple(entry.get(key, ()))
        if "edit" in entry:
            entry["edit"] = EditSpec(**entry["edit"])
        entry["questions"] = tuple(QuestionSpec(**q) for q in entry.get("questions", ()))
        specs.append(AnnouncementSpec(**entry))
    return specs


def notices() -> list[NoticeSpec]:
    specs = []
    for entry in load("announcements")["notices"]:
        entry = dict(entry)
        for key in ("services", "affected"):
            entry[key] = tuple(entry.get(key, ()))
        specs.append(NoticeSpec(**entry))
    return specs


def minutes(text: str, *, day_minutes: int) -> int:
    """ "45m", "3h", "2d" or "4d6h" in minutes, a day being `day_minutes` long."""
    parts = re.findall(r"(\d+)([dhm])", text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"{text!r} is not a duration such as 45m, 3h, 2d or 4d6h")
    units = {"m": 1, "h": 60, "d": day_minutes}
    return sum(int(number) * units[unit] for number, unit in parts)


@dataclass(frozen=True)
class SurveyPlan:
    """How people answer the surveys the history's resolutions open (`feedback.toml`)."""

    answered_share: float
    answer_after: tuple[str, str]
    weights: dict[int, int]
    comments: dict[int, tuple[str, ...]]
    follow_up_after: tuple[str, str]
    follow_up_notes: tuple[str, ...]
    follow_up_replies: tuple[str, ...]


def survey_plan() -> SurveyPlan:
    entry = load("feedback")["surveys"]
    return SurveyPlan(
        answered_share=entry["answered_share"],
        answer_after=tuple(entry["answer_after"]),
        weights={int(rating): weight for rating, weight in entry["weights"].items()},
        comments={int(rating): tuple(lines) for rating, lines in entry["comments"].items()},
        follow_up_after=tuple(entry["follow_up_after"]),
        follow_up_notes=tuple(entry["follow_up"]["notes"]),
        follow_up_replies=tuple(entry["follow_up"]["replies"]),
    )


@dataclass(frozen=True)
class SuggestionCommentSpec:
    by: str
    text: str


@dataclass(frozen=True)
class SuggestionResponseSpec:
    """A department's response, `after` days after the suggestion (see `feedback.toml`)."""

    by: str
    after: int
    body: str
    status: str = ""
    what_changed: str = ""
    draft: bool = False


@dataclass(frozen=True)
class SuggestionSpec:
    """One suggestion and what happened to it (see `feedback.toml`)."""

    key: str
    title: str
    body: str
    age: int  # calendar days ago
    department: str = ""
    organization: bool = False
    author: str = ""
    anonymous: bool = False
    restricted: bool = False
    service: str = ""
    voters: tuple[str, ...] = ()
    comments: tuple[SuggestionCommentSpec, ...] = ()
    responses: tuple[SuggestionResponseSpec, ...] = ()
    merge_into: str = ""
    merge_after: int = 0
    help: dict[str, tuple[str, ...]] | None = None


def suggestions() -> list[SuggestionSpec]:
    specs = []
    for entry in load("feedback")["suggestions"]:
        entry = dict(entry)
        entry["voters"] = tuple(entry.get("voters", ()))
        entry["comments"] = tuple(SuggestionCommentSpec(**c) for c in entry.get("comments", ()))
        entry["responses"] = tuple(SuggestionResponseSpec(**r) for r in entry.get("responses", ()))
        if "help" in entry:
            entry["help"] = {answer: tuple(who) for answer, who in entry["help"].items()}
        specs.append(SuggestionSpec(**entry))
    return specs
