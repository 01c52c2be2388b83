"""Every database constraint of every app has a message in words that names its field.

The admin (and any ModelForm) shows a constraint's message when a save would break it;
Django's default is `Constraint "<name>" is violated.`, which tells an administrator nothing.
Each constraint's `violation_error_code` names the field the message is shown on.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

CONSTRAINTS = [
    (model, constraint)
    for model in apps.get_models()
    if model.__module__.startswith("staffdesk.")
    for constraint in model._meta.constraints
]


def test_there_are_constraints_to_check() -> None:
    assert len(CONSTRAINTS) > 20


@pytest.mark.parametrize(
    ("model", "constraint"),
    CONSTRAINTS,
    ids=[f"{model._meta.label}.{constraint.name}" for model, constraint in CONSTRAINTS],
)
def test_a_constraint_names_its_field_in_words(
    model: type[models.Model], constraint: models.BaseConstraint
) -> None:
    message = constraint.get_violation_error_message()
    assert constraint.violation_error_message != constraint.default_violation_error_message
    assert constraint.name not in message
    field = model._meta.get_field(constraint.violation_error_code or "")
    assert str(field.verbose_name).lower() in message.lower().replace("-", " "), (field, message)
