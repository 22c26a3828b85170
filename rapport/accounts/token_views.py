"""Personal access tokens for the API: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, person_required

from . import tokens as token_services

NEVER = "never"


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="What will use it, so you recognise it later, e.g. 'calendar sync'.",
    )
    expires_in = forms.ChoiceField(
        label="Expires",
        choices=[
            ("30", "In 30 days"),
            ("90", "In 90 days"),
            ("365", "In a year"),
            (NEVER, "Never"),
        ],
        initial="90",
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Please name the token.")
        return name


@require_http_methods(["GET", "POST"])
@person_required
def tokens(request: PersonRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST" and form.is_valid():
        expires_in = form.cleaned_data["expires_in"]
        try:
            created = token_services.token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=None
                if expires_in == NEVER
                else timezone.now() + timedelta(days=int(expires_in)),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm()
    page = paginate(request, token_services.tokens_of(user=request.user))  # type: ignore[arg-type]
    context = {
        "form": form,
        "page": page,
        "new_token": created[0] if created else None,
        # The secret is rendered into this one response and kept nowhere: no redirect, no
        # session, no message. Reloading the page cannot show it again.
        "new_secret": created[1] if created else None,
    }
    response = render(request, "accounts/tokens.html", context)
    add_never_cache_headers(response)
    return response


@require_POST
@person_required
def token_revoke(request: PersonRequest, pk: int) -> HttpResponse:
    token = token_services.get_token_for(request.user, pk)  # type: ignore[arg-type]
    token_services.token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect("accounts:tokens")
