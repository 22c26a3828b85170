"""The roster import page for org admins (the parsing and writing live in people.roster).

Upload → preview (a dry run: counts, changes and every error with its line) → confirm.
Between preview and confirm the file's text waits in the session, with a digest that the
confirm form sends back, so the import applies exactly the file that was previewed.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_http_methods

from .access import PersonRequest, org_admin_required
from .models import Person
from .roster import COLUMNS, REQUIRED_COLUMNS, RosterResult, roster_apply, roster_parse, roster_read

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SESSION_KEY = "people.roster_import"
#: The preview lists at most this many errors and changes (the counts are always complete).
SHOWN = 200


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster file (CSV)",
        help_text="UTF-8 CSV with a header row, at most 5 MB. The columns are listed below.",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; the limit here is "
                f"{filesizeformat(MAX_UPLOAD_BYTES)}. Split it into smaller files, or ask "
                "whoever runs Rapport to use the import-roster command."
            )
        data: bytes = upload.read()
        return data


@require_http_methods(["GET", "POST"])
@org_admin_required
def roster_import(request: PersonRequest) -> HttpResponse:
    admin: Person = request.person
    action = request.POST.get("action", "preview")
    if request.method == "POST" and action == "confirm":
        return _confirm(request, admin)
    if request.method == "POST" and action == "cancel":
        request.session.pop(SESSION_KEY, None)
        messages.info(request, "The import was cancelled; nothing was changed.")
        return redirect("people:roster_import")

    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result: RosterResult | None = None
    digest = ""
    if request.method == "POST" and form.is_valid():
        parsed = roster_read(data=form.cleaned_data["file"])
        result = roster_apply(
            organization=admin.organization, parsed=parsed, actor=admin, dry_run=True
        )
        request.session.pop(SESSION_KEY, None)
        if result.ok and result.has_changes:
            digest = hashlib.sha256(parsed.text.encode()).hexdigest()
            request.session[SESSION_KEY] = {
                "organization": admin.organization_id,
                "digest": digest,
                "text": parsed.text,
            }
    return _page(request, form, result, digest)


def _confirm(request: HttpRequest, admin: Person) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if (
        not isinstance(pending, dict)
        or pending.get("organization") != admin.organization_id
        or pending.get("digest") != request.POST.get("digest")
    ):
        messages.error(
            request,
            "That preview is no longer waiting to be imported; please upload the file again.",
        )
        return redirect("people:roster_import")
    result = roster_apply(
        organization=admin.organization,
        parsed=roster_parse(text=pending["text"]),
        actor=admin,
    )
    request.session.pop(SESSION_KEY, None)  # a preview is confirmed once, whatever happens
    if not result.applied:
        messages.error(request, "The organisation changed since the preview; nothing was imported.")
        return _page(request, RosterUploadForm(), result, "")
    messages.success(request, f"The roster is imported. {result.describe()}")
    return redirect("people:roster_import")


def _page(
    request: HttpRequest, form: RosterUploadForm, result: RosterResult | None, digest: str
) -> HttpResponse:
    context: dict[str, object] = {
        "form": form,
        "result": result,
        "digest": digest,
        "columns": [(name, name in REQUIRED_COLUMNS, help) for name, help in COLUMNS.items()],
        "header_example": ",".join(COLUMNS),
        "shown": SHOWN,
    }
    if result is not None:
        context["errors_shown"] = result.errors[:SHOWN]
        context["changes_shown"] = result.changes[:SHOWN]
        context["errors_hidden"] = max(0, len(result.errors) - SHOWN)
        context["changes_hidden"] = max(0, len(result.changes) - SHOWN)
    return render(request, "people/roster_import.html", context)
