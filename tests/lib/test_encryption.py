"""Encrypted text at rest: the field, the keys, and rotating them without losing a value."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test.utils import isolate_apps
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from rapport.lib.encryption import (
    EncryptedLookupError,
    EncryptedTextField,
    UndecryptableValue,
    decrypt,
    development_key,
    encrypt,
    keyring,
)
from tests.testapp.models import SecretNote

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def raw_column(note: SecretNote, column: str = "text") -> str | None:
    """The column as the database holds it, read past the ORM."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(SecretNote._meta.db_table)} WHERE id = %s",
            [note.pk],
        )
        return cursor.fetchone()[0]


def raw_column_write(note: SecretNote, value: str, column: str = "text") -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(SecretNote._meta.db_table)} SET {quote(column)} = %s WHERE id = %s",
            [value, note.pk],
        )


def opens_with(key: str, token: str) -> bool:
    try:
        Fernet(key).decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate(**options: object) -> str:
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out, stderr=StringIO(), verbosity=0, **options)
    return out.getvalue()


@pytest.fixture
def key_a(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]


# The field ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I've been dreading Mondays since the reorg.",
        "Überstunden, 残業, переработка — and a 🙂",
        "long " * 20_000,
        "",
        "line one\nline two\ttabbed\r\n",
    ],
    ids=["plain", "unicode", "long", "empty", "whitespace"],
)
def test_text_reads_back_exactly_as_written(key_a, text):
    note = SecretNote.objects.create(label="n", text=text)
    assert SecretNote.objects.get(pk=note.pk).text == text


def test_the_database_column_holds_a_token_not_the_text(key_a):
    note = SecretNote.objects.create(label="n", text="My manager shouts at me in meetings")
    stored = raw_column(note)
    assert stored != "My manager shouts at me in meetings"
    assert "manager" not in stored
    assert opens_with(KEY_A, stored)


def test_an_empty_text_is_encrypted_so_blank_notes_cant_be_told_apart(key_a):
    note = SecretNote.objects.create(label="n", text="")
    stored = raw_column(note)
    assert stored != ""
    assert Fernet(KEY_A).decrypt(stored) == b""


def test_none_is_stored_as_null(key_a):
    note = SecretNote.objects.create(label="n", text="t", reply=None)
    assert raw_column(note, "reply") is None
    assert SecretNote.objects.get(pk=note.pk).reply is None


def test_the_same_text_is_never_stored_twice_the_same_way(key_a):
    first = SecretNote.objects.create(label="a", text="same words")
    second = SecretNote.objects.create(label="b", text="same words")
    assert raw_column(first) != raw_column(second)


def test_a_raw_empty_column_reads_as_an_empty_text(key_a):
    note = SecretNote.objects.create(label="n", text="soon gone")
    raw_column_write(note, "")
    assert SecretNote.objects.get(pk=note.pk).text == ""


def test_values_and_values_list_decrypt_too(key_a):
    SecretNote.objects.create(label="n", text="hello", reply="there")
    assert list(SecretNote.objects.values_list("text", "reply")) == [("hello", "there")]
    assert SecretNote.objects.values("text").get()["text"] == "hello"


def test_update_bulk_create_and_bulk_update_encrypt_what_they_write(key_a):
    [note] = SecretNote.objects.bulk_create([SecretNote(label="n", text="by bulk_create")])
    assert Fernet(KEY_A).decrypt(raw_column(note)) == b"by bulk_create"
    SecretNote.objects.filter(pk=note.pk).update(text="by update")
    assert Fernet(KEY_A).decrypt(raw_column(note)) == b"by update"
    note.text = "by bulk_update"
    SecretNote.objects.bulk_update([note], ["text"])
    assert Fernet(KEY_A).decrypt(raw_column(note)) == b"by bulk_update"
    assert SecretNote.objects.get(pk=note.pk).text == "by bulk_update"


def test_full_clean_accepts_plaintext_without_trying_to_decrypt_it(key_a):
    note = SecretNote(label="n", text="just typed, not a token")
    note.full_clean()
    assert note.text == "just typed, not a token"


def test_a_token_typed_into_the_field_is_stored_as_text_not_decrypted(key_a):
    token = encrypt(plaintext="someone else's secret")
    note = SecretNote(label="n", text=token)
    note.full_clean()
    note.save()
    assert SecretNote.objects.get(pk=note.pk).text == token


# Lookups -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookup",
    [
        {"text": "secret"},
        {"text__exact": "secret"},
        {"text__iexact": "secret"},
        {"text__contains": "sec"},
        {"text__icontains": "sec"},
        {"text__startswith": "s"},
        {"text__in": ["secret"]},
        {"text__gt": "a"},
        {"text__regex": "s.*"},
        {"text__lower": "secret"},
        {"text__lower__contains": "secret"},
    ],
    ids=lambda lookup: next(iter(lookup)),
)
def test_searching_an_encrypted_field_is_refused_with_a_clear_error(key_a, lookup):
    with pytest.raises(EncryptedLookupError, match=r"testapp\.SecretNote\.text is encrypted"):
        list(SecretNote.objects.filter(**lookup))


def test_excluding_on_an_encrypted_field_is_refused_too(key_a):
    with pytest.raises(EncryptedLookupError, match="only `isnull` works"):
        list(SecretNote.objects.exclude(reply="x"))


def test_null_checks_on_an_encrypted_field_still_work(key_a):
    with_reply = SecretNote.objects.create(label="a", text="t", reply="r")
    without = SecretNote.objects.create(label="b", text="t", reply=None)
    assert list(SecretNote.objects.filter(reply__isnull=True)) == [without]
    assert list(SecretNote.objects.filter(reply=None)) == [without]
    assert list(SecretNote.objects.exclude(reply=None)) == [with_reply]


@isolate_apps("tests.testapp")
def test_the_system_checks_refuse_unique_or_indexed_encrypted_fields():
    class Refused(models.Model):
        unique_text = EncryptedTextField(unique=True)
        indexed_text = EncryptedTextField(db_index=True)
        fine = EncryptedTextField()

        class Meta:
            app_label = "testapp"

        def __str__(self) -> str:
            return "refused"

    errors = [e for e in Refused.check() if e.id == "lib.E001"]
    assert {e.obj.name for e in errors} == {"unique_text", "indexed_text"}


# Keys --------------------------------------------------------------------------------------


def test_with_no_keys_dev_and_tests_use_a_development_key_and_say_so(settings, caplog):
    settings.RAPPORT_ENCRYPTION_KEYS = []
    with caplog.at_level(logging.WARNING, logger="rapport.lib.encryption"):
        note = SecretNote.objects.create(label="n", text="works out of the box")
    assert "DEVELOPMENT KEY" in caplog.text
    assert opens_with(development_key(secret_key=settings.SECRET_KEY), raw_column(note))
    assert SecretNote.objects.get(pk=note.pk).text == "works out of the box"


def test_the_development_key_is_derived_from_the_secret_key():
    assert development_key(secret_key="one") == development_key(secret_key="one")
    assert development_key(secret_key="one") != development_key(secret_key="two")
    Fernet(development_key(secret_key="one"))  # a valid key


def test_changing_the_secret_key_changes_the_development_key(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = []
    note = SecretNote.objects.create(label="n", text="written with the development key")
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    with pytest.raises(UndecryptableValue, match=r"SECRET_KEY changed"):
        SecretNote.objects.get(pk=note.pk)


def test_production_refuses_to_encrypt_without_keys(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = []
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="must hold at least one Fernet key"):
        keyring()


def test_a_malformed_key_is_refused_without_echoing_it(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A, "not-a-real-key-but-close"]
    with pytest.raises(ImproperlyConfigured) as refused:
        keyring()
    assert "entry 2 of 2 is not a Fernet key" in str(refused.value)
    assert "not-a-real-key" not in str(refused.value)
    assert KEY_A not in str(refused.value)


def test_a_single_string_instead_of_a_list_is_refused(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = KEY_A
    with pytest.raises(ImproperlyConfigured, match="must be a list"):
        keyring()


def test_changing_the_keys_setting_takes_effect_at_once(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]
    assert opens_with(KEY_A, encrypt(plaintext="x"))
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B]
    assert opens_with(KEY_B, encrypt(plaintext="x"))


# Rotation ----------------------------------------------------------------------------------


def test_a_full_rotation_keeps_every_value_readable(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]
    notes = [
        SecretNote.objects.create(label=f"n{i}", text=f"secret {i}", reply=f"reply {i}")
        for i in range(7)
    ]
    no_reply = SecretNote.objects.create(label="quiet", text="no reply", reply=None)

    # 1. Add key B in front: old values still read, new ones are written under B.
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert [n.text for n in SecretNote.objects.order_by("pk")][:7] == [
        f"secret {i}" for i in range(7)
    ]
    written_after = SecretNote.objects.create(label="new", text="after adding B")
    assert opens_with(KEY_B, raw_column(written_after))
    assert opens_with(KEY_A, raw_column(notes[0]))

    # 2. Re-encrypt everything under B.
    output = rotate(batch_size=3)
    assert "testapp.SecretNote: 8 of 9 rows re-encrypted" in output
    for note in notes:
        assert opens_with(KEY_B, raw_column(note))
        assert opens_with(KEY_B, raw_column(note, "reply"))
        assert not opens_with(KEY_A, raw_column(note))
    assert raw_column(no_reply, "reply") is None

    # 3. Drop key A: everything still reads.
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B]
    by_label = {n.label: n for n in SecretNote.objects.all()}
    for i in range(7):
        assert by_label[f"n{i}"].text == f"secret {i}"
        assert by_label[f"n{i}"].reply == f"reply {i}"
    assert by_label["quiet"].text == "no reply"
    assert by_label["quiet"].reply is None
    assert by_label["new"].text == "after adding B"


def test_dropping_the_old_key_before_rotating_fails_with_an_error_naming_the_field(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]
    note = SecretNote.objects.create(label="n", text="written under A")
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(UndecryptableValue) as refused:
        SecretNote.objects.get(pk=note.pk)
    message = str(refused.value)
    assert "testapp.SecretNote.text" in message
    assert "rotate-encryption-keys" in message
    assert "written under A" not in message


def test_rotation_preserves_the_tokens_timestamp(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]
    note = SecretNote.objects.create(label="n", text="t")
    written_at = Fernet(KEY_A).extract_timestamp(raw_column(note))
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotate()
    assert Fernet(KEY_B).extract_timestamp(raw_column(note)) == written_at


def test_a_dry_run_counts_the_stale_rows_and_writes_nothing(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]
    notes = [SecretNote.objects.create(label=f"n{i}", text=f"t{i}") for i in range(3)]
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    SecretNote.objects.create(label="fresh", text="already under B")
    before = [raw_column(n) for n in notes]

    output = rotate(dry_run=True)

    assert "testapp.SecretNote: 3 of 4 rows need re-encrypting" in output
    assert "nothing was changed" in output
    assert [raw_column(n) for n in notes] == before


def test_rotating_twice_changes_nothing_the_second_time(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]
    notes = [SecretNote.objects.create(label=f"n{i}", text=f"t{i}", reply="r") for i in range(3)]
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotate()
    after_first = [(raw_column(n), raw_column(n, "reply")) for n in notes]

    output = rotate()

    assert "testapp.SecretNote: 0 of 3 rows re-encrypted" in output
    assert [(raw_column(n), raw_column(n, "reply")) for n in notes] == after_first


def test_rotation_reports_values_no_key_can_open_and_rotates_the_rest(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]
    good = SecretNote.objects.create(label="good", text="fine")
    lost = SecretNote.objects.create(label="lost", text="was fine")
    raw_column_write(lost, Fernet(Fernet.generate_key()).encrypt(b"under a lost key").decode())
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    with pytest.raises(CommandError, match=rf"testapp\.SecretNote\.text \(pk={lost.pk}\)"):
        rotate()

    assert opens_with(KEY_B, raw_column(good))
    assert not opens_with(KEY_A, raw_column(lost))
    assert not opens_with(KEY_B, raw_column(lost))


def test_rotation_with_one_key_finds_nothing_to_do(key_a):
    SecretNote.objects.create(label="n", text="t")
    output = rotate()
    assert "testapp.SecretNote: 0 of 1 row re-encrypted" in output


def test_rotation_runs_at_default_verbosity_with_a_progress_bar(settings, capsys):
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_A]
    SecretNote.objects.create(label="n", text="t")
    settings.RAPPORT_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "testapp.SecretNote" in capsys.readouterr().err
    assert "older keys can be removed" in out.getvalue()


# Properties --------------------------------------------------------------------------------


@given(st.text())
def test_any_text_survives_encryption(text):
    assert decrypt(token=encrypt(plaintext=text)) == text


class TestAnyTextRoundtripsThroughTheDatabase(HypothesisTestCase):
    """Whatever a person types (NUL and astral characters included) reads back unchanged."""

    @hypothesis_settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(text=st.text(max_size=500), reply=st.none() | st.text(max_size=50))
    def test_roundtrip(self, text, reply):
        note = SecretNote.objects.create(label="n", text=text, reply=reply)
        stored = SecretNote.objects.get(pk=note.pk)
        assert (stored.text, stored.reply) == (text, reply)
