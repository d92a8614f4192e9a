"""Writing notices: ``notify`` puts a notice in each recipient's inbox and mails it on commit.

Callers (the services of the apps above) pass the subject and body already written in the
recipient's language: ``render_notice`` renders ``<base>_subject.txt`` and ``<base>_message.txt``
for them. A notice is told once per person and ``key`` (the waiting step, ``tranche:17:approve``):
asking again is a no-op, so a caller may notify on every pass through a step.

``notify`` joins the caller's transaction: the rows are written with the caller's change and the
mail is queued on commit (one task per call), so a rolled-back change notifies nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from technopark.core.inputs import text_problem
from technopark.notices.models import BODY_MAX, KEY_MAX, KIND_MAX, SUBJECT_MAX, URL_MAX, Notice
from technopark.notices.signals import unread_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from technopark.parks.models import Park

KIND_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
KEY_RE = re.compile(r"^[\w.:/-]+$", re.ASCII)
ELLIPSIS = "…"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _control_free(text: str) -> str:
    # Control characters have no place in a notice; the texts come from the park's own records,
    # which have passed the input rules already, so this only guards against a caller's slip.
    if text_problem(text, multiline=True) is None:
        return text
    return "".join(ch for ch in text if text_problem(ch, multiline=True) is None)


def clean_url(url: str) -> str:
    """``url`` if it is a path inside the site (``/…``, not ``//host``), else a ValidationError."""
    if (
        not isinstance(url, str)
        or not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or len(url) > URL_MAX
        or any(ch.isspace() for ch in url)
        or text_problem(url) is not None
    ):
        raise ValidationError({"url": _("A notice links to a page of this site.")})
    return url


def _render_text(name: str, context: Mapping[str, Any]) -> str:
    # Plain text: not HTML-escaped here (the inbox page escapes it when it shows it).
    template = get_template(name)
    return str(template.template.render(Context(dict(context), autoescape=False)))  # type: ignore[attr-defined]


def _zone(time_zone: str | None) -> AbstractContextManager[object]:
    return timezone.override(time_zone) if time_zone else nullcontext()


def render_notice(
    template_base: str,
    context: Mapping[str, Any],
    *,
    language: str,
    time_zone: str | None = None,
) -> tuple[str, str]:
    """(subject, body) of ``<template_base>_subject.txt`` and ``<template_base>_message.txt``,
    rendered in ``language`` (and dates in ``time_zone``, when given). The subject comes on one
    line; both fit a notice (longer ones are shortened with an ellipsis). The templates are
    plain text: nothing is HTML-escaped (the inbox escapes what it shows)."""
    with translation.override(language), _zone(time_zone):
        subject = _render_text(f"{template_base}_subject.txt", context)
        body = _render_text(f"{template_base}_message.txt", context)
    return _shorten(" ".join(subject.split()), SUBJECT_MAX), _shorten(body.strip(), BODY_MAX)


def notify(
    *,
    recipients: Iterable[AbstractBaseUser],
    park: Park | None,
    kind: str,
    url: str,
    subject: str = "",
    body: str = "",
    key: str = "",
    base_url: str = "",
    language: str | None = None,
    template: str | None = None,
    context: Mapping[str, Any] | None = None,
    time_zone: str | None = None,
) -> int:
    """Put a notice in the inbox of every active recipient who has not had ``key`` yet; the number
    of notices made. Mailed on commit, in one background task per language, with a link to
    ``base_url`` + ``url`` (``settings.TECHNOPARK_SITE_URL`` when ``base_url`` is empty).

    ``kind`` is a short slug (``grants.tranche_to_approve``); ``url`` a path inside the site;
    ``key`` the waiting step (empty: no deduplication). A subject over 200 or a body over 4000
    characters is shortened. Runs inside the caller's transaction; no rows are locked.

    **Language.** Given ``template`` (a ``render_notice`` base) and its ``context``, each person
    is written to in their own language (``User.language``, their profile's) and, when they have
    not chosen one, in ``language`` (the park's); ``settings.LANGUAGE_CODE`` when neither is
    known. Dates are shown in ``time_zone``. Never in the language of whoever caused the notice.
    Without ``template``, ``subject`` and ``body`` are already written, in ``language``, and
    everyone gets them as they are (the mail's own lines follow ``language``).
    """
    if not isinstance(kind, str) or not KIND_RE.match(kind) or len(kind) > KIND_MAX:
        raise ValidationError({"kind": _("A notice kind is a short slug.")})
    if key and (len(key) > KEY_MAX or not KEY_RE.match(key)):
        raise ValidationError({"key": _("A notice key is a short slug.")})
    languages = dict(settings.LANGUAGES)
    if language is not None and language not in languages:
        raise ValidationError({"language": _("A notice is written in a language of this site.")})
    url = clean_url(url)
    default_language = language or settings.LANGUAGE_CODE

    wanted = {user.pk for user in recipients if user is not None and user.pk is not None}
    if not wanted:
        if template is None:
            _clean_subject(subject)  # a caller's mistake is seen even with nobody to tell
        return 0
    people = dict(
        get_user_model().objects.filter(pk__in=wanted, is_active=True).values_list("pk", "language")
    )
    if key and people:
        for told in Notice.objects.filter(recipient_id__in=people, key=key).values_list(
            "recipient_id", flat=True
        ):
            people.pop(told, None)
    if template is None:
        by_language = {default_language: sorted(people)} if people else {}
        texts = {default_language: (_clean_subject(subject), _clean_body(body))}
    else:
        by_language = {}
        for user_id, own in sorted(people.items()):
            chosen = own if own in languages else default_language
            by_language.setdefault(chosen, []).append(user_id)
        texts = {
            code: render_notice(template, context or {}, language=code, time_zone=time_zone)
            for code in by_language
        }
        texts = {
            code: (_clean_subject(sub), _clean_body(text)) for code, (sub, text) in texts.items()
        }
    made_total = 0
    for code, user_ids in by_language.items():
        made = _notices_create(
            user_ids,
            park=park,
            kind=kind,
            subject=texts[code][0],
            body=texts[code][1],
            url=url,
            key=key,
        )
        ids = [row.pk for row in made if row.pk is not None]
        if ids:
            _unread_changed(sorted({row.recipient_id for row in made}))
            _queue_mail(ids, base_url or settings.TECHNOPARK_SITE_URL, code)
        made_total += len(made)
    return made_total


def _clean_subject(subject: str) -> str:
    subject = _shorten(" ".join(_control_free(subject).split()), SUBJECT_MAX)
    if not subject:
        raise ValidationError({"subject": _("A notice needs a subject.")})
    return subject


def _clean_body(body: str) -> str:
    return _shorten(_control_free(body).strip(), BODY_MAX)


def _notices_create(
    user_ids: list[int],
    *,
    park: Park | None,
    kind: str,
    subject: str,
    body: str,
    url: str,
    key: str,
) -> list[Notice]:
    now = timezone.now()
    rows = [
        Notice(
            recipient_id=user_id,
            park=park,
            kind=kind,
            subject=subject,
            body=body,
            url=url,
            key=key,
            created_at=now,
        )
        for user_id in user_ids
    ]
    try:
        with transaction.atomic():
            return Notice.objects.bulk_create(rows)
    except IntegrityError:
        # Another transaction told someone of the same step meanwhile: one row at a time.
        made = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            made.append(row)
        return made


def _unread_changed(user_ids: list[int]) -> None:
    # At once (the rest of this transaction reads the new count) and after the commit (a
    # request may have cached the old count meanwhile).
    unread_changed.send(sender=Notice, user_ids=user_ids)
    transaction.on_commit(lambda: unread_changed.send(sender=Notice, user_ids=user_ids))


def _queue_mail(notice_ids: list[int], base_url: str, language: str) -> None:
    # Imported here: the task reads through this app's queries, a layer above.
    from technopark.notices.tasks import notices_mail

    transaction.on_commit(
        lambda: notices_mail.enqueue(notice_ids=notice_ids, base_url=base_url, language=language)
    )


def notices_mark_emailed(*, notice_ids: Iterable[int]) -> int:
    """Note that the notices were mailed (the mail task); the number noted."""
    return Notice.objects.filter(pk__in=list(notice_ids), emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


def notice_mark_read(*, notice: Notice, user: AbstractBaseUser) -> Notice:
    """The recipient has read ``notice`` (again: nothing changes). Only the recipient may."""
    if notice.recipient_id != user.pk:
        raise PermissionDenied
    if notice.read_at is None:
        now = timezone.now()
        if Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now):
            _unread_changed([notice.recipient_id])
        notice.read_at = now
    return notice


def notices_mark_all_read(*, user: AbstractBaseUser) -> int:
    """Every unread notice of ``user`` is read; how many were unread."""
    marked = Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        _unread_changed([user.pk])
    return marked
