"""Tone coach: flags assumption and blame language in drafts and suggests
observation-first wording (see `rapport.tone.coach`)."""
