"""The demo city's service catalog, from `data/catalog.toml`: each department's services and
their forms, and the lines their cases are written with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from staffdesk.catalog.models import FormField, Service
from staffdesk.demo import data
from staffdesk.demo.data import ServiceSpec
from staffdesk.demo.organization import Organization


@dataclass
class Catalog:
    """The generated services and their specs, by code."""

    services: dict[str, Service] = field(default_factory=dict)
    specs: dict[str, ServiceSpec] = field(default_factory=dict)


def catalog_create(*, organization: Organization, established_at: datetime) -> Catalog:
    catalog = Catalog()
    people = organization.people
    for spec in data.services():
        service = Service.objects.create(
            department=organization.departments[spec.department],
            code=spec.code,
            name=spec.name,
            description=spec.description,
            keywords=spec.keywords,
            group=spec.group,
            point_person=people[spec.point],
            backup=people[spec.backup],
            confidential=spec.confidential,
            fulfilment=(
                Service.Fulfilment.INFORMATION if spec.information else Service.Fulfilment.REQUEST
            ),
            created_at=established_at,
            updated_at=established_at,
        )
        FormField.objects.bulk_create(
            FormField(
                service=service,
                code=field_spec.code,
                label=field_spec.label,
                description=field_spec.description,
                datatype=field_spec.datatype,
                required=field_spec.required,
                order=order,
                values=[{"key": key, "name": name} for key, name in field_spec.choices],
                min_value=_decimal(field_spec.min_value),
                max_value=_decimal(field_spec.max_value),
                whole_number=field_spec.whole_number,
                max_length=field_spec.max_length,
                not_in_past=field_spec.not_in_past,
                within_days=field_spec.within_days,
            )
            for order, field_spec in enumerate(spec.fields, start=1)
        )
        catalog.services[spec.code] = service
        catalog.specs[spec.code] = spec
    return catalog


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))
