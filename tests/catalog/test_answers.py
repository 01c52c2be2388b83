"""Answers are validated against the service's typed form, with one message per bad field."""

import pytest

from staffdesk.catalog.answers import answers_validate
from staffdesk.catalog.models import FormField
from staffdesk.core.errors import ValidationFailed

D = FormField.Datatype
VALUES = [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}]


def _field(code, datatype, required=False, values=()):
    return FormField(
        code=code, label=code.title(), datatype=datatype, required=required, values=list(values)
    )


FORM = [
    _field("name", D.STRING, required=True),
    _field("count", D.NUMBER),
    _field("when", D.DATETIME),
    _field("story", D.TEXT),
    _field("one", D.SINGLEVALUELIST, values=VALUES),
    _field("many", D.MULTIVALUELIST, values=VALUES),
]


def test_every_datatype_is_cleaned(settings):
    settings.TIME_ZONE = "America/New_York"
    cleaned = answers_validate(
        fields=FORM,
        answers={
            "name": "  Ada ",
            "count": "12",
            "when": "2026-03-01T09:30",
            "story": "long text",
            "one": "b",
            "many": ["a", "b", "a"],
        },
    )
    assert cleaned == {
        "name": "Ada",
        "count": 12,
        "when": "2026-03-01T14:30:00+00:00",
        "story": "long text",
        "one": "b",
        "many": ["a", "b"],
    }
    assert answers_validate(fields=FORM, answers={"name": "x", "count": 2.5})["count"] == 2.5


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({}, "name", "Name: this answer is required"),
        ({"name": "   "}, "name", "Name: this answer is required"),
        ({"name": 5}, "name", "Name: must be text"),
        ({"name": "x" * 256}, "name", "Name: must be at most 255 characters (got 256)"),
        ({"name": "x", "count": "12abc"}, "count", "Count: must be a number, not '12abc'"),
        ({"name": "x", "count": True}, "count", "Count: must be a number"),
        ({"name": "x", "count": "NaN"}, "count", "Count: must be a finite number"),
        ({"name": "x", "when": "tomorrow"}, "when", "When: must be a date and time"),
        ({"name": "x", "when": "2026-02-30T10:00"}, "when", "When: must be a date and time"),
        ({"name": "x", "one": "c"}, "one", "One: 'c' is not one of: a, b"),
        ({"name": "x", "one": ["a", "b"]}, "one", "One: choose exactly one value"),
        ({"name": "x", "many": ["a", "z"]}, "many", "Many: 'z' not among: a, b"),
        ({"name": "x", "other": 1}, "other", "this service has no field 'other'"),
    ],
)
def test_bad_answers_are_named(answers, field, message):
    with pytest.raises(ValidationFailed) as caught:
        answers_validate(fields=FORM, answers=answers)
    assert caught.value.errors[f"answers.{field}"][0].startswith(message)


def test_all_bad_fields_are_reported_at_once():
    with pytest.raises(ValidationFailed) as caught:
        answers_validate(fields=FORM, answers={"count": "x", "one": "z"})
    assert set(caught.value.errors) == {"answers.name", "answers.count", "answers.one"}
