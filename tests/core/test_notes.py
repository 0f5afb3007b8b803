"""Notes on a story (issue 12): private, plain text, limited, exported with the item."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import access, export, services
from broadsheet.core.errors import InvalidInput, LimitReached, NotFound
from broadsheet.core.models import NOTE_MAX_CHARS, NOTES_PER_ITEM_MAX, Note

pytestmark = pytest.mark.django_db


def test_add_edit_delete(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    note = services.add_note(alice, item.pk, "  Did we miss the farmers?\r\nAsk them.\r ")
    assert note.text == "Did we miss the farmers?\nAsk them."
    assert note.user_id == alice.pk and note.item_id == item.pk
    services.edit_note(alice, note.pk, "Changed\x00\x07 text\tkept")
    assert Note.objects.get(pk=note.pk).text == "Changed text\tkept"
    services.delete_note(alice, note.pk)
    assert not Note.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "\r\n\t", "\x00\x01", None, 5, ["a"]])
def test_an_empty_or_non_text_note_is_refused(alice: AbstractBaseUser, text: object) -> None:
    item = services.save_item(alice, "https://news.example/a")
    with pytest.raises(InvalidInput):
        services.add_note(alice, item.pk, text)
    assert not Note.objects.exists()


def test_a_note_of_a_megabyte_is_refused_whole(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    with pytest.raises(InvalidInput, match="at most 10,000 characters"):
        services.add_note(alice, item.pk, "x" * 1_048_576)
    with pytest.raises(InvalidInput, match="this one has 10,001"):
        services.add_note(alice, item.pk, "x" * (NOTE_MAX_CHARS + 1))
    services.add_note(alice, item.pk, "x" * NOTE_MAX_CHARS)  # the limit itself is fine
    assert Note.objects.count() == 1
    note = Note.objects.get()
    with pytest.raises(InvalidInput):
        services.edit_note(alice, note.pk, "y" * (NOTE_MAX_CHARS + 1))
    assert Note.objects.get().text == "x" * NOTE_MAX_CHARS  # nothing half-written


def test_a_story_holds_a_bounded_number_of_notes(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    Note.objects.bulk_create(
        Note(user=alice, item=item, text=str(n)) for n in range(NOTES_PER_ITEM_MAX)
    )
    with pytest.raises(LimitReached, match=f"at most {NOTES_PER_ITEM_MAX} notes"):
        services.add_note(alice, item.pk, "one more")
    assert Note.objects.count() == NOTES_PER_ITEM_MAX


def test_notes_are_private(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    note = services.add_note(alice, item.pk, "mine")
    with pytest.raises(NotFound):
        services.add_note(bob, item.pk, "intruder")
    with pytest.raises(NotFound):
        services.edit_note(bob, note.pk, "changed")
    with pytest.raises(NotFound):
        services.delete_note(bob, note.pk)
    assert list(access.notes_of(bob)) == []
    assert Note.objects.get().text == "mine"


def test_notes_of_a_story_in_the_trash_are_hidden_and_come_back(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    note = services.add_note(alice, item.pk, "mine")
    services.delete_item(alice, item.pk)
    assert list(access.notes_of(alice)) == []
    with pytest.raises(NotFound):
        services.edit_note(alice, note.pk, "changed")
    services.restore_item(alice, item.pk)
    assert [n.text for n in access.notes_of(alice)] == ["mine"]


def test_the_export_carries_the_notes(alice: AbstractBaseUser) -> None:
    a = services.save_item(alice, "https://news.example/a")
    services.save_item(alice, "https://news.example/b")
    services.add_note(alice, a.pk, "first")
    services.add_note(alice, a.pk, '=HYPERLINK("http://evil.example")\nsecond')
    data = json.loads(export.export(alice, "json"))
    notes = {row["url"]: row["notes"] for row in data["items"]}
    assert [n["text"] for n in notes["https://news.example/a"]] == [
        "first",
        '=HYPERLINK("http://evil.example")\nsecond',
    ]
    assert notes["https://news.example/b"] == []
    rows = {r["url"]: r for r in csv.DictReader(io.StringIO(export.export(alice, "csv")))}
    assert rows["https://news.example/a"]["notes"] == (
        'first\n\n=HYPERLINK("http://evil.example")\nsecond'
    )
    assert rows["https://news.example/b"]["notes"] == ""


def test_a_csv_cell_of_notes_starting_with_a_formula_is_inert(alice: AbstractBaseUser) -> None:
    a = services.save_item(alice, "https://news.example/a")
    services.add_note(alice, a.pk, "=1+1")
    rows = list(csv.DictReader(io.StringIO(export.export(alice, "csv"))))
    assert rows[0]["notes"] == "'=1+1"
