"""factory_boy factories for the models tests build on."""

from __future__ import annotations

import factory

from staffdesk.catalog.models import FormField, Service
from staffdesk.directory.models import Department, Membership, Person

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
