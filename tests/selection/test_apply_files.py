"""Uploaded answers live in storage; a replaced or removed file is deleted only once the change
is committed, so a rolled-back change never leaves an answer naming a file that is gone."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from technopark.selection.models import Answer
from technopark.selection.services import drafts as draft_services
from tests.selection.fixtures_apply import fields_by_label

pytestmark = pytest.mark.django_db


class Aborted(Exception):
    pass


@pytest.fixture
def deck(world, apply_call, draft, private_files, django_capture_on_commit_callbacks):
    """The draft's pitch deck, committed: (the question, the stored file's name)."""
    field = fields_by_label(apply_call)["Pitch deck"]
    with django_capture_on_commit_callbacks(execute=True):
        draft_services.application_save(
            application=draft,
            actor=world.users["founder"],
            files={field.pk: SimpleUploadedFile("deck.pdf", b"%PDF one")},
        )
    answer = Answer.objects.get(application=draft, field=field)
    assert answer.file.storage.exists(answer.file.name)
    return field, answer.file.name


def _stored(draft, field) -> Answer:
    return Answer.objects.get(application=draft, field=field)


@pytest.mark.parametrize("change", ["replace", "remove"])
def test_a_rolled_back_change_keeps_the_file(
    world, draft, deck, django_capture_on_commit_callbacks, change
):
    field, name = deck
    edit = (
        {"files": {field.pk: SimpleUploadedFile("deck-2.pdf", b"%PDF two")}}
        if change == "replace"
        else {"remove_files": [field.pk]}
    )
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Aborted),
        transaction.atomic(),
    ):
        draft_services.application_save(application=draft, actor=world.users["founder"], **edit)
        raise Aborted
    answer = _stored(draft, field)
    assert answer.file.name == name
    assert answer.file.storage.exists(name)
    with answer.file.open("rb") as stored:
        assert stored.read() == b"%PDF one"


@pytest.mark.parametrize("change", ["replace", "remove"])
def test_a_committed_change_deletes_the_old_file_after_commit(
    world, draft, deck, django_capture_on_commit_callbacks, change
):
    field, name = deck
    storage = _stored(draft, field).file.storage
    edit = (
        {"files": {field.pk: SimpleUploadedFile("deck-2.pdf", b"%PDF two")}}
        if change == "replace"
        else {"remove_files": [field.pk]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        draft_services.application_save(application=draft, actor=world.users["founder"], **edit)
        # Not before the commit.
        assert storage.exists(name)
    assert not storage.exists(name)
