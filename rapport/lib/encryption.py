"""Sensitive text encrypted at rest, with keys that can be rotated.

`EncryptedTextField` stores a Fernet token (AES-128-CBC + HMAC-SHA256, a fresh IV per
value) instead of the text. The keys come from ``settings.RAPPORT_ENCRYPTION_KEYS``,
newest first: the newest key encrypts, every key is tried when decrypting
(`cryptography`'s MultiFernet). Rotation is: put a new key first, run
``rapport rotate-encryption-keys`` (which re-encrypts every value under the newest key,
see `encrypted_rows_rotate`), then drop the old key. README, "Encryption keys and rotation".

Decisions worth knowing:

- **Plaintext in Python, ciphertext only in the database.** `from_db_value` is the one
  place a token enters Python and is decrypted; `get_prep_value` is the one place text
  leaves and is encrypted. `to_python` does *not* decrypt: Django calls it from
  `full_clean()`, forms and deserialisation with plaintext, and decrypting whatever a
  user typed there would turn the form into a decryption oracle for pasted tokens.
- **None stays None** (NULL in the column). **An empty string is encrypted like any other
  text**, so the column never tells a reader who left a note blank. A raw empty column
  (written by SQL or a `db_default`) reads back as "", since no token is ever empty.
- **An encrypted column can't be searched**: every lookup except ``isnull`` (and
  ``= None``, which Django turns into ``isnull``) raises `EncryptedLookupError`. Unique
  and indexed encrypted fields are refused by system checks for the same reason.
- **A value that no configured key decrypts raises `UndecryptableValue`**, naming the
  field, instead of returning a token or garbage. It usually means a key was dropped
  before the rotation command ran.
- **Without keys, dev and demo derive one from SECRET_KEY** (`development_key`) and say
  so loudly in the log, so a checkout, the demo and the tests need no configuration.
  Production already refuses to start without keys; this module refuses too.
- `dumpdata` writes the plaintext (fixtures hold Python values): treat dumps as sensitive.
  Ordering by an encrypted field orders by ciphertext, which means nothing.
- To encrypt an existing plain text column, don't AlterField it (the rows would stay
  plaintext and become unreadable): add an encrypted field, copy in a data migration,
  then remove the old one.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import lookups
from django.dispatch import receiver

logger = logging.getLogger(__name__)

GENERATE_A_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
_DEVELOPMENT_KEY_INFO = b"rapport: development encryption key for RAPPORT_ENCRYPTION_KEYS"


class UndecryptableValue(ImproperlyConfigured):
    """A stored value that none of the configured keys can decrypt."""


class EncryptedLookupError(FieldError):
    """A query tried to compare or search an encrypted column."""


@dataclass(frozen=True)
class Keyring:
    """The configured keys: `all_keys` decrypts with any of them, `newest` alone."""

    all_keys: MultiFernet
    newest: Fernet
    count: int
    is_development: bool


def development_key(*, secret_key: str) -> str:
    """The Fernet key dev and demo use when RAPPORT_ENCRYPTION_KEYS is empty.

    Derived (HKDF-SHA256) from SECRET_KEY, so it is the same on every start and in every
    process, and data written by the demo stays readable. Put it second in
    RAPPORT_ENCRYPTION_KEYS, after a real key, to move such data onto real keys.
    """
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=_DEVELOPMENT_KEY_INFO
    ).derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(derived).decode("ascii")


@functools.cache
def keyring() -> Keyring:
    """The keyring built from settings; cached until a test changes those settings."""
    configured = settings.RAPPORT_ENCRYPTION_KEYS
    if isinstance(configured, str | bytes):
        raise ImproperlyConfigured(
            "RAPPORT_ENCRYPTION_KEYS must be a list of Fernet keys, newest first, "
            "not a single string"
        )
    keys = [k.strip() for k in configured if k and k.strip()]
    is_development = not keys
    if is_development:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured(
                "RAPPORT_ENCRYPTION_KEYS must hold at least one Fernet key; generate one "
                f"with: {GENERATE_A_KEY}"
            )
        keys = [development_key(secret_key=settings.SECRET_KEY)]
        logger.warning(
            "RAPPORT_ENCRYPTION_KEYS is empty, so sensitive text is encrypted with a "
            "DEVELOPMENT KEY derived from SECRET_KEY. Fine for a checkout, the demo and the "
            "tests; never for real data. Set RAPPORT_ENCRYPTION_KEYS (README, 'Encryption "
            "keys and rotation')."
        )
    fernets = []
    for position, key in enumerate(keys):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            # Never echo the value: it may be a real key with a typo in it.
            raise ImproperlyConfigured(
                f"RAPPORT_ENCRYPTION_KEYS entry {position + 1} of {len(keys)} is not a Fernet "
                f"key (32 url-safe base64-encoded bytes); generate one with: {GENERATE_A_KEY}"
            ) from exc
    return Keyring(
        all_keys=MultiFernet(fernets),
        newest=fernets[0],
        count=len(fernets),
        is_development=is_development,
    )


@receiver(setting_changed)
def _forget_keys_when_settings_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"RAPPORT_ENCRYPTION_KEYS", "SECRET_KEY", "PRODUCTION"}:
        keyring.cache_clear()


def encrypt(*, plaintext: str) -> str:
    """A fresh token for `plaintext` under the newest key (never the same token twice)."""
    return keyring().all_keys.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(*, token: str) -> str:
    """The text in `token`; raises cryptography's InvalidToken if no key opens it."""
    return keyring().all_keys.decrypt(token.encode("ascii")).decode("utf-8")


def is_encrypted_with_newest_key(*, token: str, keys: Keyring | None = None) -> bool:
    keys = keys or keyring()
    try:
        keys.newest.decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


class _ExactNone(lookups.Exact):
    """`field=None` only; Django turns it into IS NULL. Any other value is refused."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs is not None:
            raise EncryptedLookupError(_refusal(lhs.output_field, "exact"))
        super().__init__(lhs, rhs)


def _label(field: models.Field[Any, Any]) -> str:
    model = getattr(field, "model", None)
    if model is None:
        return f"encrypted field {field.name!r}"
    return f"{model._meta.label}.{field.name}"


def _refusal(field: models.Field[Any, Any], lookup_name: str) -> str:
    return (
        f"{_label(field)} is encrypted, so it can't be searched or compared "
        f"(lookup {lookup_name!r}); only `isnull` works on it. Filter on another field "
        "and compare the decrypted text in Python."
    )


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token under the keys in RAPPORT_ENCRYPTION_KEYS.

    The model attribute always holds plaintext (or None); only the column holds a token.
    See the module docstring for empty strings, lookups and key rotation.
    """

    description = "Text, encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(plaintext=value)

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        try:
            return decrypt(token=value)
        except (InvalidToken, UnicodeError) as exc:
            raise UndecryptableValue(
                f"{_label(self)} holds a value that no key in RAPPORT_ENCRYPTION_KEYS can "
                "decrypt. Either the key it was encrypted with was dropped before "
                "`rapport rotate-encryption-keys` ran (put that key back, after the newest "
                "one, run the command, then drop it), SECRET_KEY changed while the "
                "development key was in use, or the column was written without encryption."
            ) from exc

    def get_lookup(self, lookup_name: str) -> type[lookups.Lookup[Any]] | None:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _ExactNone
        raise EncryptedLookupError(_refusal(self, lookup_name))

    def get_transform(self, lookup_name: str) -> type[lookups.Transform] | None:
        raise EncryptedLookupError(_refusal(self, lookup_name))

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        for option in ("primary_key", "unique", "db_index"):
            if getattr(self, option):
                errors.append(
                    checks.Error(
                        f"An encrypted field can't have {option}=True: every value is "
                        "encrypted with a fresh IV, so equal texts never compare equal.",
                        obj=self,
                        id="lib.E001",
                    )
                )
        return errors


# Rotation ------------------------------------------------------------------------------


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    """The model's own encrypted columns (a parent's are its parent's business)."""
    return [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]


def models_with_encrypted_fields() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if not model._meta.proxy and encrypted_fields(model):
            yield model


@dataclass
class RotationResult:
    """What a rotation pass found in one model's table (per row, not per value)."""

    model: type[models.Model]
    #: rows with at least one encrypted value
    rows: int = 0
    #: rows with a value under an older key: re-encrypted, or in a dry run to be
    stale: int = 0
    #: (primary key, field name) of values no configured key can decrypt; left as they are
    undecryptable: list[tuple[Any, str]] = field(default_factory=list)


def encrypted_rows_count(*, model: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> int:
    return _rows_with_values(model, using).count()


def encrypted_rows_rotate(
    *,
    model: type[models.Model],
    batch_size: int = 500,
    dry_run: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    on_batch: Callable[[int], object] | None = None,
) -> RotationResult:
    """Re-encrypt every value of `model` that isn't under the newest key yet.

    Walks the table in primary-key order, one transaction per batch. Each batch is read
    with SELECT ... FOR UPDATE (SQLite's immediate transactions lock the database instead),
    so a value edited meanwhile is never overwritten with its old text. Tokens are rotated
    with MultiFernet.rotate (they keep their timestamp) and written back as they are,
    bypassing the field's own encryption. Values already under the newest key are left
    untouched, so a second run writes nothing. With `dry_run`, only counts.
    """
    keys = keyring()
    fields = encrypted_fields(model)
    # The raw tokens: an expression whose output field is a plain TextField has no
    # from_db_value, so nothing is decrypted on the way out of the database.
    raw = {
        f"_token_{f.attname}": models.ExpressionWrapper(
            models.F(f.attname), output_field=models.TextField()
        )
        for f in fields
    }
    rows = _rows_with_values(model, using).annotate(**raw).order_by("pk")
    result = RotationResult(model=model)
    last_pk: Any = None
    while True:
        # A dry run takes no locks (on SQLite even a transaction would take the write lock).
        with contextlib.nullcontext() if dry_run else transaction.atomic(using=using):
            page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            if not dry_run:
                page = page.select_for_update()
            batch = list(page.values_list("pk", *raw)[:batch_size])
            changed = []
            for pk, *tokens in batch:
                new_tokens = [
                    _rotated(token, keys, pk, f, result)
                    for token, f in zip(tokens, fields, strict=True)
                ]
                if new_tokens != tokens:
                    changed.append(_row_with_tokens(model, pk, fields, new_tokens))
            result.stale += len(changed)
            if changed and not dry_run:
                model._base_manager.using(using).bulk_update(changed, [f.name for f in fields])
        result.rows += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
        if len(batch) < batch_size:
            return result
        last_pk = batch[-1][0]


def _rows_with_values(model: type[models.Model], using: str) -> models.QuerySet[Any]:
    # The base manager: a default manager that hides rows (tenancy, soft delete) must not
    # hide them from rotation.
    any_value = models.Q()
    for f in encrypted_fields(model):
        any_value |= models.Q(**{f"{f.attname}__isnull": False})
    return model._base_manager.using(using).filter(any_value)


def _rotated(
    token: str | None, keys: Keyring, pk: Any, field: EncryptedTextField, result: RotationResult
) -> str | None:
    if not token or is_encrypted_with_newest_key(token=token, keys=keys):
        return token
    try:
        return keys.all_keys.rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError):
        result.undecryptable.append((pk, field.name))
        return token


def _row_with_tokens(
    model: type[models.Model],
    pk: Any,
    fields: list[EncryptedTextField],
    tokens: list[str | None],
) -> models.Model:
    """An instance for bulk_update whose encrypted attributes are tokens to store as is.

    bulk_update passes expressions through untouched, and a Value with a plain TextField
    output is not encrypted again.
    """
    row = model(pk=pk)
    for f, token in zip(fields, tokens, strict=True):
        setattr(row, f.attname, models.Value(token, output_field=models.TextField()))
    return row
