"""The Russian catalogue is complete, keeps every placeholder, is compiled, and covers the code.

Regenerate and compile it from the repository root; every check below names the entry that fails:

    python manage.py makemessages -l ru --no-obsolete --ignore=.venv --ignore=node_modules \
        --ignore=var --ignore=tests --ignore=bench --ignore='*/migrations/*'
    python manage.py compilemessages --ignore=.venv --ignore=node_modules
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "technopark"
LOCALE = SOURCE / "locale"
RU_PO = LOCALE / "ru" / "LC_MESSAGES" / "django.po"
RU_MO = LOCALE / "ru" / "LC_MESSAGES" / "django.mo"
RU_PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
# The same exclusions as the documented makemessages command.
IGNORED = [".venv", "node_modules", "var", "tests", "bench", "*/migrations/*"]

# %(name)s, %s, %05.2f … but not the escaped percent sign.
PYTHON_FORMAT = re.compile(
    r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]"
)
BRACE_FORMAT = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")


def _entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(RU_PO)) if not entry.obsolete]


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def _label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def _placeholders(text: str, flags: list[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    if "python-format" in flags:
        found.update(PYTHON_FORMAT.findall(text.replace("%%", "")))
    if "python-brace-format" in flags:
        found.update(BRACE_FORMAT.findall(text))
    return found


def _translations(entry: polib.POEntry | polib.MOEntry) -> dict[int, str]:
    if entry.msgid_plural:
        return {int(index): text for index, text in entry.msgstr_plural.items()}
    return {0: entry.msgstr}


def test_header_is_russian_with_three_plural_forms() -> None:
    po = polib.pofile(str(RU_PO))
    assert not po.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert po.metadata["Language"] == "ru"
    assert po.metadata["Project-Id-Version"] == "Technopark"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"].replace(" ", "") == RU_PLURAL_FORMS.replace(" ", "")


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    entries = _entries()
    assert entries, "the Russian catalogue is empty"
    untranslated = [
        _label(e) for e in entries if not all(t.strip() for t in _translations(e).values())
    ]
    fuzzy = [_label(e) for e in entries if "fuzzy" in e.flags]
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)


def test_every_plural_entry_has_the_three_russian_forms() -> None:
    wrong = [
        f"{_label(e)}: forms {sorted(e.msgstr_plural)}"
        for e in _entries()
        if e.msgid_plural and sorted(int(i) for i in e.msgstr_plural) != [0, 1, 2]
    ]
    assert not wrong, "plural entries without exactly 3 forms:\n" + "\n".join(wrong)


def test_translations_keep_exactly_the_placeholders_of_the_source() -> None:
    problems = []
    for entry in _entries():
        flags = entry.flags
        if "python-format" not in flags and "python-brace-format" not in flags:
            continue
        expected = _placeholders(entry.msgid_plural or entry.msgid, flags)
        if entry.msgid_plural:
            # The singular and the plural source use the same placeholders.
            assert set(_placeholders(entry.msgid, flags)) <= set(expected), _label(entry)
        for index, text in _translations(entry).items():
            found = _placeholders(text, flags)
            if found != expected:
                problems.append(
                    f"{_label(entry)} [{index}]: expected {sorted(expected.elements())}, "
                    f"got {sorted(found.elements())} in {text!r}"
                )
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_compiled_catalogue_matches_the_po_file() -> None:
    assert RU_MO.exists(), "django.mo is missing: run manage.py compilemessages"
    po = {_key(e): _translations(e) for e in _entries() if e.msgid}
    mo = {_key(e): _translations(e) for e in polib.mofile(str(RU_MO)) if e.msgid}
    stale = sorted(repr(key[1]) for key in po.keys() ^ mo.keys())
    assert not stale, "django.mo and django.po hold different entries:\n" + "\n".join(stale)
    changed = sorted(repr(key[1]) for key in po if po[key] != mo[key])
    assert not changed, "django.mo is out of date for:\n" + "\n".join(changed)


def test_catalogue_covers_every_string_marked_in_the_code(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("xgettext") is None or shutil.which("msguniq") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext (xgettext) is needed on CI to check the catalogue's coverage")
        pytest.skip("GNU gettext (xgettext) is not installed; CI runs this check")

    # A copy of the source with an empty locale directory: makemessages writes there, never
    # into the committed catalogue.
    copy = tmp_path / "src" / "technopark"
    shutil.copytree(
        SOURCE,
        copy,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations", "static"),
    )
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages", locale=["ru"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0
    )

    extracted = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    committed = {_key(e) for e in _entries()}
    missing = sorted(
        f"{e.msgid!r} ({', '.join(f'{p}:{n}' for p, n in e.occurrences[:2])})"
        for e in extracted
        if e.msgid and _key(e) not in committed
    )
    assert not missing, (
        "strings marked in the code but missing from the Russian catalogue "
        "(run makemessages, translate, compilemessages):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize(
    ("language", "title"),
    [("ru", "Страница не найдена"), ("en", "Page not found")],
)
def test_a_page_is_rendered_in_the_chosen_language(
    client: Any, db: Any, language: str, title: str
) -> None:
    client.cookies["django_language"] = language
    response = client.get("/no-such-park/")
    assert response.status_code == 404
    assert title in response.content.decode()
