"""API shapes of the catalog."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

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
