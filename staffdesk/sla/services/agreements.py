"""Writes to agreements: drafting, targets, activation and expiry."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, ValidationFailed
from staffdesk.directory.models import Department, Person
from staffdesk.sla.models import Agreement, AgreementTarget, BusinessCalendar, Priority

_STATUS_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _agreement_errors(
    *,
    name: str,
    effective_from: date,
    review_on: date | None,
    point_person: Person | None,
    at_risk_share: Decimal,
    pausing_statuses: Sequence[str],
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["must not be empty"]
    if review_on is not None and review_on < effective_from:
        errors["review_on"] = ["must not be before the effective date"]
    if point_person is not None and not point_person.is_active:
        errors["point_person"] = ["choose an active person"]
    if not Decimal(0) < at_risk_share <= Decimal(1) or at_risk_share != round(at_risk_share, 2):
        errors["at_risk_share"] = ["a share above 0 and at most 1, with two decimals (e.g. 0.75)"]
    bad = [s for s in pausing_statuses if not isinstance(s, str) or not _STATUS_NAME.match(s)]
    if bad or len(set(pausing_statuses)) != len(pausing_statuses):
        errors["pausing_statuses"] = ["distinct request status names, e.g. waiting_on_requester"]
    return errors


@transaction.atomic
def agreement_create(
    *,
    name: str,
    provider: Department,
    calendar: BusinessCalendar,
    effective_from: date,
    customers: Sequence[Department] = (),
    review_on: date | None = None,
    point_person: Person | None = None,
    provider_commitments: str = "",
    customer_commitments: str = "",
    at_risk_share: Decimal | str = Decimal("0.75"),
    pausing_statuses: Sequence[str] = ("waiting_on_requester",),
    is_organization_default: bool = False,
    services_only: bool = False,
    targets: Mapping[int, tuple[int, int]] | None = None,
    now: datetime | None = None,
) -> Agreement:
    """A draft agreement; no customers named means it is for every department.

    `services_only` makes it a per-service override: it applies only to services that name
    it (`Service.sla_agreement`), never as the provider's department-wide agreement.
    """
    try:
        share = Decimal(str(at_risk_share))
    except InvalidOperation:
        share = Decimal(-1)
    name = name.strip()
    errors = _agreement_errors(
        name=name,
        effective_from=effective_from,
        review_on=review_on,
        point_person=point_person,
        at_risk_share=share,
        pausing_statuses=list(pausing_statuses),
    )
    if services_only and is_organization_default:
        errors["services_only"] = ["the organization default cannot be limited to services"]
    if errors:
        raise ValidationFailed("The agreement is not valid.", errors=errors)
    moment = clock.resolve(now)
    agreement = Agreement.objects.create(
        name=name,
        provider=provider,
        calendar=calendar,
        effective_from=effective_from,
        review_on=review_on,
        point_person=point_person,
        provider_commitments=provider_commitments.strip(),
        customer_commitments=customer_commitments.strip(),
        at_risk_share=share,
        pausing_statuses=list(pausing_statuses),
        is_organization_default=is_organization_default,
        services_only=services_only,
        applies_to_everyone=not customers,
        created_at=moment,
        updated_at=moment,
    )
    agreement.customers.set(customers)
    if targets:
        agreement_set_targets(agreement=agreement, targets=targets, now=moment)
    return agreement


@transaction.atomic
def agreement_set_targets(
    *,
    agreement: Agreement,
    targets: Mapping[int, tuple[int, int]],
    now: datetime | None = None,
) -> list[AgreementTarget]:
    """Replace the targets: {priority: (first response minutes, resolution minutes)}."""
    errors: dict[str, list[str]] = {}
    for priority, (response, resolution) in sorted(targets.items()):
        field = f"targets.{priority}"
        if problem := Priority.problem(priority):
            errors[field] = [f"priority {problem}"]
        elif not all(
            isinstance(m, int) and not isinstance(m, bool) for m in (response, resolution)
        ):
            errors[field] = ["minutes must be whole numbers"]
        elif response <= 0:
            errors[field] = ["the first-response target must be at least 1 minute"]
        elif resolution < response:
            errors[field] = ["the resolution target must not be shorter than the first response"]
    if errors:
        raise ValidationFailed("The targets are not valid.", errors=errors)
    agreement.targets.all().delete()
    created = AgreementTarget.objects.bulk_create(
        AgreementTarget(
            agreement=agreement,
            priority=priority,
            first_response_minutes=response,
            resolution_minutes=resolution,
        )
        for priority, (response, resolution) in sorted(targets.items())
    )
    agreement.updated_at = clock.resolve(now)
    agreement.save(update_fields=["updated_at"])
    return created


def _overlapping_active(agreement: Agreement) -> Agreement | None:
    """An active department-wide agreement of the same provider, starting the same day, for a
    shared customer: the selection could not tell the two apart."""
    if agreement.services_only:
        return None  # chosen by the service that names it, never by a tie-break
    others = Agreement.objects.active_on(agreement.effective_from).filter(
        provider_id=agreement.provider_id,
        effective_from=agreement.effective_from,
        services_only=False,
    )
    others = others.exclude(pk=agreement.pk)
    customers = set(agreement.customers.values_list("pk", flat=True))
    for other in others.prefetch_related("customers"):
        theirs = {customer.pk for customer in other.customers.all()}
        if (not customers and not theirs) or customers & theirs:
            return other
    return None


@transaction.atomic
def agreement_activate(*, agreement: Agreement, now: datetime | None = None) -> Agreement:
    """Put a draft agreement in force from its effective date.

    Refused unless it has targets for all four priorities and its calendar has working
    hours, and when another active agreement would tie with it for some request (same
    provider, same effective date, a shared customer) or it would be a second active
    organization default.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status == Agreement.Status.ACTIVE:
        return agreement
    if agreement.status != Agreement.Status.DRAFT:
        raise Conflict(
            "Only a draft agreement can be activated.", errors={"status": [agreement.status]}
        )
    errors: dict[str, list[str]] = {}
    missing = set(Priority.values) - set(agreement.targets.values_list("priority", flat=True))
    if missing:
        errors["targets"] = [f"set targets for {', '.join(f'P{p}' for p in sorted(missing))}"]
    calendar = agreement.calendar
    if not calendar.always_open and not calendar.intervals.exists():
        errors["calendar"] = ["the calendar has no working hours"]
    if errors:
        raise ValidationFailed("The agreement cannot be activated yet.", errors=errors)
    if agreement.is_organization_default:
        current = (
            Agreement.objects.filter(status=Agreement.Status.ACTIVE, is_organization_default=True)
            .exclude(pk=agreement.pk)
            .first()
        )
        if current is not None:
            raise Conflict(
                f"{current.name!r} is already the organization default; expire it first.",
                errors={"is_organization_default": [f"already: {current.name}"]},
            )
    if (tie := _overlapping_active(agreement)) is not None:
        raise Conflict(
            f"{tie.name!r} already applies to the same customers from the same date.",
            errors={"effective_from": [f"choose another date than {tie.effective_from}"]},
        )
    agreement.status = Agreement.Status.ACTIVE
    agreement.updated_at = clock.resolve(now)
    try:
        with transaction.atomic():
            agreement.save(update_fields=["status", "updated_at"])
    except IntegrityError as error:  # a concurrent activation of another default won
        raise Conflict("Another agreement became the organization default.") from error
    return agreement


@transaction.atomic
def agreement_expire(*, agreement: Agreement, now: datetime | None = None) -> Agreement:
    """Take an agreement out of force; requests that recorded it keep it."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Agreement.Status.EXPIRED:
        agreement.status = Agreement.Status.EXPIRED
        agreement.updated_at = clock.resolve(now)
        agreement.save(update_fields=["status", "updated_at"])
    return agreement
