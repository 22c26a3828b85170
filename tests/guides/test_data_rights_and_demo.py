"""Comments in a person's export and gone on erasure; the demo's comments."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.demo import generator
from rapport.guides import demo, services
from rapport.guides.content import defaults
from rapport.guides.models import GuideComment, GuideOverride
from rapport.people.data_rights import person_data_erase, person_data_export
from rapport.people.models import Person

pytestmark = pytest.mark.django_db


def test_export_and_erase(member, admin, lead):
    services.comment_create(author=lead, slug="kudos", body="We do this")
    services.guide_update(actor=admin, slug="care", title="Care", summary="", body="Ours")
    assert person_data_export(person=lead)["guides"]["comments"][0]["text"] == "We do this"
    assert person_data_export(person=admin)["guides"]["guides_edited"] == ["care"]
    lead.status = Person.Status.LEFT
    lead.save()
    person_data_erase(actor=admin, person=lead)
    assert not GuideComment.objects.exists()
    admin.status = Person.Status.LEFT
    admin.save()
    other_admin = Person.objects.create(
        user=type(admin.user).objects.create(email="boss@acme.example"),
        organization=admin.organization,
        display_name="Boss",
        is_org_admin=True,
    )
    person_data_erase(actor=other_admin, person=admin)
    override = GuideOverride.objects.get()
    assert override.body == "Ours" and override.updated_by is None


def test_the_demo_comments_are_deterministic_and_include_the_member():
    slugs = []
    for slug in ("guides-one", "guides-two"):
        plan = generator.demo_plan(seed=3, today=date(2025, 6, 2), slug=slug)
        result = generator.demo_seed(plan=plan, interactions=200, capabilities=False)
        demo.seed(organization=result.organization, plan=plan)
        comments = GuideComment.objects.filter(organization=result.organization).order_by("pk")
        assert comments.count() == len(demo.COMMENTS)
        assert {c.guide_slug for c in comments} <= set(defaults())
        assert comments.filter(author__user__email=plan.accounts[0].email).exists()
        slugs.append([(c.guide_slug, c.body, c.author.display_name) for c in comments])
    assert slugs[0] == slugs[1]
