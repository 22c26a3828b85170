"""Kudos: thanks from one person to a few colleagues, optionally tied to one of the
organisation's values, with reactions and replies.

Who may see a kudos is decided in one place, `KudosQuerySet.visible_to`:

- private: only the giver and the receivers;
- team: the giver, the receivers, and every member of a team one of the receivers is in;
- organisation: everyone in the organisation.

Messages are people's own words, so they are encrypted at rest (`EncryptedTextField`);
erasing a person blanks the messages they wrote, while the kudos (and the ledger rows it
made) stay for the people who received them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from rapport.lib.encryption import EncryptedTextField
from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Membership, Organization, Person

MESSAGE_MAX_LENGTH = 500
MAX_RECEIVERS = 10
VALUE_NAME_MAX_LENGTH = 40
DAILY_LIMIT_MAX = 100


class Audience(models.TextChoices):
    PRIVATE = "private", "Only the people I thank"
    TEAM = "team", "Their teams"
    ORGANIZATION = "organization", "Everyone in the organisation"


class Reaction(models.TextChoices):
    """A small fixed set: enough to say something, too few to turn into a scoreboard."""

    THANKS = "thanks", "🙏 Thank you"
    CELEBRATE = "celebrate", "🎉 Celebrate"
    LOVE = "love", "💛 Love this"
    CLAP = "clap", "👏 Well done"
    SPARK = "spark", "💡 Inspiring"

    @property
    def emoji(self) -> str:
        return str(self.label).split(" ", 1)[0]

    @property
    def word(self) -> str:
        return str(self.label).split(" ", 1)[1]


# --- values --------------------------------------------------------------------------------


class KudosValueQuerySet(TenantQuerySet["KudosValue"]):
    def active(self) -> KudosValueQuerySet:
        return self.filter(retired_at__isnull=True)


class KudosValue(models.Model):
    """One of the organisation's values ("Own it", "Help first") that thanks can be tied
    to. Org admins add, rename and retire them; a retired value stays on old kudos."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="kudos_values"
    )
    name = models.CharField(max_length=VALUE_NAME_MAX_LENGTH)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = KudosValueQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="kudos_value_unique_name_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def clean(self) -> None:
        self.name = " ".join((self.name or "").split())
        if not self.name:
            raise ValidationError({"name": "A value needs a name."})


class KudosSettings(models.Model):
    """The organisation's kudos settings (one row per organisation, made on first save)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="kudos_settings"
    )
    daily_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(DAILY_LIMIT_MAX)],
        help_text="How many thank-yous one person may give in a day; empty for no limit.",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "kudos settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(daily_limit__isnull=True) | Q(daily_limit__gte=1),
                name="kudos_settings_daily_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Kudos settings of {self.organization_id}"


# --- kudos ---------------------------------------------------------------------------------


class KudosQuerySet(TenantQuerySet["Kudos"]):
    def visible_to(self, viewer: Person) -> KudosQuerySet:
        """The one rule of who sees which kudos (see the module docstring)."""
        is_receiver = KudosReceiver.objects.filter(kudos=OuterRef("pk"), person=viewer)
        viewer_teams = Membership.objects.filter(person=viewer).values("team_id")
        shares_a_team = KudosReceiver.objects.filter(
            kudos=OuterRef("pk"),
            person__memberships__team_id__in=viewer_teams,
        )
        return self.in_organization(viewer.organization).filter(
            Q(audience=Audience.ORGANIZATION)
            | Q(giver=viewer)
            | Exists(is_receiver)
            | (Q(audience=Audience.TEAM) & Exists(shares_a_team))
        )

    def for_display(self) -> KudosQuerySet:
        """What a list or a page shows for each kudos, in a constant number of queries."""
        return (
            self.select_related("giver", "value")
            .prefetch_related(
                models.Prefetch(
                    "receipts",
                    queryset=KudosReceiver.objects.select_related("person").order_by(
                        "person__display_name", "person_id"
                    ),
                ),
                models.Prefetch(
                    "reactions",
                    queryset=KudosReaction.objects.only("id", "kudos_id", "person_id", "kind"),
                ),
            )
            .annotate(
                reply_count=Coalesce(
                    models.Subquery(
                        KudosReply.objects.filter(kudos=OuterRef("pk"))
                        .order_by()
                        .values("kudos")
                        .annotate(n=models.Count("pk"))
                        .values("n")
                    ),
                    0,
                ),
            )
        )


class Kudos(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    giver = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kudos_given")
    receivers: models.ManyToManyField[Person, KudosReceiver] = models.ManyToManyField(
        Person, through="KudosReceiver", related_name="kudos_received"
    )
    message = EncryptedTextField(help_text="The giver's words; blank once they are erased.")
    value = models.ForeignKey(
        KudosValue, null=True, blank=True, on_delete=models.PROTECT, related_name="kudos"
    )
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.TEAM)
    created_at = models.DateTimeField(default=timezone.now)

    objects = KudosQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "kudos"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="kudos_org_time"),
            # The organisation feed: thanks shared with everyone, newest first.
            models.Index(
                "organization",
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=models.Q(audience="organization"),
                name="kudos_org_feed",
            ),
            models.Index(fields=["giver", "-created_at"], name="kudos_giver_time"),
        ]

    def __str__(self) -> str:
        return f"Kudos {self.pk} from {self.giver_id}"

    @property
    def is_private(self) -> bool:
        return self.audience == Audience.PRIVATE


class KudosReceiver(models.Model):
    """One receiver of a kudos (the through table: visibility and feeds query it)."""

    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kudos_receipts")

    class Meta:
        constraints = [
            models.UniqueConstraint("kudos", "person", name="kudos_receiver_once"),
        ]
        indexes = [models.Index(fields=["person", "kudos"], name="kudos_receiver_person")]

    def __str__(self) -> str:
        return f"{self.person_id} thanked in {self.kudos_id}"


class KudosReactionQuerySet(TenantQuerySet["KudosReaction"]):
    organization_path = "kudos__organization"

    def visible_to(self, viewer: Person) -> KudosReactionQuerySet:
        return self.filter(kudos__in=Kudos.objects.visible_to(viewer).values("pk"))


class KudosReaction(models.Model):
    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kudos_reactions")
    kind = models.CharField(max_length=16, choices=Reaction.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = KudosReactionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint("kudos", "person", "kind", name="kudos_reaction_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} on {self.kudos_id}"


class KudosReplyQuerySet(TenantQuerySet["KudosReply"]):
    organization_path = "kudos__organization"

    def visible_to(self, viewer: Person) -> KudosReplyQuerySet:
        # A reply is seen by whoever can see the kudos it answers.
        return self.filter(kudos__in=Kudos.objects.visible_to(viewer).values("pk"))


class KudosReply(models.Model):
    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kudos_replies")
    message = EncryptedTextField(help_text="The author's words; blank once they are erased.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = KudosReplyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "kudos replies"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["kudos", "created_at"], name="kudos_reply_time")]

    def __str__(self) -> str:
        return f"Reply {self.pk} on {self.kudos_id}"


# --- review of traded thanks ---------------------------------------------------------------


class TradingFlagQuerySet(TenantQuerySet["TradingFlag"]):
    def visible_to(self, viewer: Person) -> TradingFlagQuerySet:
        # A flag is for the people team only.
        if not viewer.is_org_admin:
            return self.none()
        return self.in_organization(viewer.organization)

    def open(self) -> TradingFlagQuerySet:
        return self.filter(reviewed_at__isnull=True)


class TradingFlag(models.Model):
    """Two people who look like they trade thanks back and forth (see
    `trading.find_trading`). Flagged for org admins to look at; never blocked."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    exchanges = models.PositiveSmallIntegerField(
        help_text="Back-and-forth exchanges found in the window when last checked."
    )
    first_exchange_at = models.DateTimeField()
    last_exchange_at = models.DateTimeField()
    flagged_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TradingFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-last_exchange_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "organization", "person_a", "person_b", name="kudos_trading_flag_pair_once"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")),
                name="kudos_trading_flag_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Trading flag {self.person_a_id}↔{self.person_b_id}"
