"""API shapes of the catalog."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from staffdesk.catalog.display import limit_text
from staffdesk.catalog.models import FormField
from staffdesk.directory.schemas import PersonRef


class FieldValueOut(Schema):
    key: str
    name: str


class FormFieldOut(Schema):
    code: str
    label: str
    description: str
    datatype: str
    required: bool
    order: int
    values: list[FieldValueOut]
    min_value: float | None = Field(None, description="Numbers: the smallest accepted.")
    max_value: float | None = Field(None, description="Numbers: the largest accepted.")
    whole_number: bool = Field(False, description="Numbers: no fractions.")
    max_length: int | None = Field(None, description="Text: the most characters accepted.")
    not_in_past: bool = Field(False, description="Dates: now or later.")
    within_days: int | None = Field(None, description="Dates: at most this many days ahead.")
    limits: str = Field(
        "",
        description='The limits in words, e.g. "A whole number from 1 to 20"; a person is '
        "answered with an id, a username or an email, and stored as the id.",
    )

    @staticmethod
    def resolve_limits(obj: FormField) -> str:
        return limit_text(obj)


class ServiceOut(Schema):
    code: str
    name: str
    description: str
    department: str = Field(validation_alias="department.code")
    department_name: str = Field(validation_alias="department.name")
    group: str
    keywords: list[str] = Field(validation_alias="keyword_list")
    point_person: PersonRef | None
    backup: PersonRef | None
    confidential: bool
    fulfilment: str
    is_active: bool


class ServiceDetailOut(ServiceOut):
    form: list[FormFieldOut] = Field(validation_alias="fields")
