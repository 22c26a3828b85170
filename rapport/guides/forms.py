"""Forms of the guides' pages."""

from __future__ import annotations

from django import forms

from .content import MAX_BODY, MAX_SUMMARY, MAX_TITLE
from .models import MAX_COMMENT


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=MAX_COMMENT,
        widget=forms.Textarea({"rows": 3}),
        help_text=f"What worked for your team, or a question. Up to {MAX_COMMENT} characters.",
        error_messages={"required": "Write something first: a comment can't be empty."},
    )


class GuideForm(forms.Form):
    title = forms.CharField(label="Title", max_length=MAX_TITLE)
    summary = forms.CharField(
        label="Summary",
        max_length=MAX_SUMMARY,
        required=False,
        help_text="One sentence shown in the list of guides.",
    )
    body = forms.CharField(
        label="Guide",
        max_length=MAX_BODY,
        widget=forms.Textarea({"rows": 20}),
        help_text=(
            "Plain text with a little formatting: ## Heading, - list item, 1. numbered item, "
            "**bold**, *emphasis*, `code`, [link text](https://…). A blank line starts a new "
            "paragraph."
        ),
    )
