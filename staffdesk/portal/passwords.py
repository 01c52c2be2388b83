"""Password reset by email, for local accounts (people imported by CSV have no password yet).

Django's views and tokens (one use, `PASSWORD_RESET_TIMEOUT`, void once the password
changes); the mail goes through the outbox like every other, so it is retried when the mail
server is down and never sent from a request thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from staffdesk.directory.models import Person
from staffdesk.notifications.services import notification_create

KIND = "password_reset"


def _days() -> int:
    """How long a link works, in whole days (Django's default is three)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


class OutboxPasswordResetForm(PasswordResetForm):
    def get_users(self, email: str) -> Iterator[Person]:
        """Every active person with this address, with a password or not yet one: a person
        imported without one sets their first password this way."""
        people = Person.objects.filter(email__iexact=email, is_active=True)
        return (person for person in people if person.email.casefold() == email.casefold())

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        person: Person = context["user"]
        days = _days()
        with transaction.atomic():
            notification_create(
                recipient=person,
                kind=KIND,
                subject="Choose your staffdesk password",
                body=(
                    f"Someone, hopefully you, asked to choose a new password for the staffdesk "
                    f"account {person.username}. Open the link below within {days} "
                    f"day{'s' if days > 1 else ''} to choose it; it works once.\n\n"
                    "If it was not you, ignore this message: your password stays as it is."
                ),
                url=reverse(
                    "password_reset_confirm",
                    kwargs={"uidb64": context["uid"], "token": context["token"]},
                ),
            )


reset = auth_views.PasswordResetView.as_view(
    form_class=OutboxPasswordResetForm, template_name="portal/password_reset_form.html"
)


def reset_sent(request: HttpRequest) -> HttpResponse:
    view = auth_views.PasswordResetDoneView.as_view(
        template_name="portal/password_reset_done.html", extra_context={"timeout_days": _days()}
    )
    return view(request)


reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="portal/password_reset_confirm.html"
)
reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/password_reset_complete.html"
)
