"""factory_boy factories for the models tests build on."""

from __future__ import annotations

from datetime import date, time

import factory

from staffdesk.catalog.models import FormField, Service
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.escalation.models import Level, Policy
from staffdesk.escalation.triggers import Trigger, WatchedClock
from staffdesk.sla.models import (
    Agreement,
    AgreementTarget,
    BusinessCalendar,
    Priority,
    WorkingInterval,
)

PASSWORD = "correct-horse-battery"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Department {o.code}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@city.example")
    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Membership.Role.MEMBER


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "A service."


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    service = factory.SubFactory(ServiceFactory)
    code = factory.Sequence(lambda n: f"field_{n}")
    label = factory.LazyAttribute(lambda o: o.code.replace("_", " ").title())
    datatype = FormField.Datatype.STRING


OFFICE_HOURS = [(weekday, time(8), time(18)) for weekday in range(5)]


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    """Monday to Friday 08:00-18:00 in New York unless `hours=[]` (or other hours) is given."""

    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Calendar {n}")
    time_zone = "America/New_York"

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        if not create:
            return
        weekly = OFFICE_HOURS if extracted is None else extracted
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=obj, weekday=weekday, start=start, end=end)
            for weekday, start, end in weekly
        )


class AgreementFactory(factory.django.DjangoModelFactory):
    """An active agreement of `provider` for everyone; `targets={priority: (first response,
    resolution)}` in business minutes (default: 4 h / 20 h for every priority)."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Agreement {n}")
    provider = factory.SubFactory(DepartmentFactory)
    applies_to_everyone = True
    calendar = factory.SubFactory(BusinessCalendarFactory)
    status = Agreement.Status.ACTIVE
    effective_from = date(2026, 1, 1)

    @factory.post_generation
    def targets(obj, create, extracted, **kwargs):
        if not create:
            return
        targets = extracted or {priority: (240, 1200) for priority in Priority.values}
        AgreementTarget.objects.bulk_create(
            AgreementTarget(
                agreement=obj,
                priority=priority,
                first_response_minutes=response,
                resolution_minutes=resolution,
            )
            for priority, (response, resolution) in targets.items()
        )


class PolicyFactory(factory.django.DjangoModelFactory):
    """A department's escalation policy (`service=` for one service's override)."""

    class Meta:
        model = Policy

    name = factory.Sequence(lambda n: f"Escalation policy {n}")
    department = factory.SubFactory(DepartmentFactory)


class LevelFactory(factory.django.DjangoModelFactory):
    """The next level of `policy`: by default it fires when the first-response target is
    breached; the traits `share`, `after_breach` and `silence` give the other triggers."""

    class Meta:
        model = Level

    policy = factory.SubFactory(PolicyFactory)
    position = factory.LazyAttribute(lambda o: o.policy.levels.count() + 1)
    name = factory.LazyAttribute(lambda o: f"Level {o.position}")
    trigger = Trigger.BREACH
    clock = WatchedClock.RESPONSE

    class Params:
        share = factory.Trait(trigger=Trigger.SHARE, share_percent=75)
        after_breach = factory.Trait(trigger=Trigger.AFTER_BREACH, business_minutes=60)
        silence = factory.Trait(
            trigger=Trigger.SILENCE, clock=WatchedClock.ACTIVITY, business_minutes=60
        )
