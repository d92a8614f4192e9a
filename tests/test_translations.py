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


# --- Short words need a context --------------------------------------------------------------------
#
# The rule. A msgid of three words or fewer, used without a context (``pgettext``,
# ``{% translate "…" context "…" %}``), fails when:
#   * it is one of the words whose Russian depends on where it stands (AMBIGUOUS below: a
#     preposition — "From" is «С», «От» or «Откуда»; a verb that is also a noun — "Review",
#     "Report", "Book"; an adjective or participle that takes the gender of its noun — "Open",
#     "Closed", "Active"), wherever it is used, even once; or
#   * it is a one-word participle ("Filed", "Confirmed") used in more than one app: the apps
#     speak of different nouns, and Russian agrees with each.
# Other short nouns shared between apps ("Company", "INN") read the same everywhere and pass.

AMBIGUOUS = frozenset(
    word.lower()
    for word in """
    From To Since Until Of By On Off After Before When Open Opens Opened Close Closes Closed
    Filed Leave Back Next Previous Order Form State Status Due Date Issue Report Review Draft
    Stage Park Book Record Show Clear Note Cancel Cancelled Active Kind Free Total Paid Current
    New Today All None Yes No Other Present Absent Pending Done Apply Accept Accepted Decline
    Declined Reject Rejected Approve Approved Return Returned Withdraw Withdrawn Overdue Period
    Final Score Left Used Sent Submitted Confirmed Proposed Requested Expired Published Archived
    Decided Reviewed Created Updated Remove Removed Edit Change View Reason Title Name Type Level
    Points
    """.split()  # noqa: SIM905 — a word list reads better as text
)
_CALLS = {
    "_": (0, None),
    "gettext": (0, None),
    "gettext_lazy": (0, None),
    "gettext_noop": (0, None),
    "ngettext": (0, None),
    "ngettext_lazy": (0, None),
    "pgettext": (1, 0),
    "pgettext_lazy": (1, 0),
    "npgettext": (1, 0),
    "npgettext_lazy": (1, 0),
}
_TAG = re.compile(
    r"{%\s*(?:translate|trans)\s+(?P<q>[\"'])(?P<msg>.*?)(?P=q)"
    r"(?:\s+context\s+(?P<q2>[\"'])(?P<ctx>.*?)(?P=q2))?[^%]*%}",
    re.S,
)
_BLOCK = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b(?P<args>[^%]*)%}(?P<body>.*?)"
    r"{%\s*(?:plural|endblocktranslate|endblocktrans)\s*%}",
    re.S,
)
_BLOCK_CONTEXT = re.compile(r"\bcontext\s+[\"'](?P<ctx>[^\"']*)[\"']")


class Use(tuple[str, str | None, str, int]):
    """(msgid, context, path relative to src/technopark, line)."""

    @property
    def app(self) -> str:
        return Path(self[2]).parts[0]


def _python_uses(path: Path) -> list[Use]:
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in _CALLS:
            continue
        msg_at, ctx_at = _CALLS[name]
        if len(node.args) <= msg_at:
            continue
        msg = node.args[msg_at]
        if not (isinstance(msg, ast.Constant) and isinstance(msg.value, str)):
            continue
        ctx = None
        if ctx_at is not None:
            given = node.args[ctx_at]
            ctx = given.value if isinstance(given, ast.Constant) else "?"
        found.append(Use((msg.value, ctx, str(path.relative_to(SOURCE)), node.lineno)))
    return found


def _template_uses(path: Path) -> list[Use]:
    text = path.read_text(encoding="utf-8")
    where = str(path.relative_to(SOURCE))
    found = [
        Use((m["msg"], m["ctx"], where, text.count("\n", 0, m.start()) + 1))
        for m in _TAG.finditer(text)
    ]
    for m in _BLOCK.finditer(text):
        context = _BLOCK_CONTEXT.search(m["args"])
        body = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", m["body"])
        found.append(
            Use(
                (
                    body,
                    context["ctx"] if context else None,
                    where,
                    text.count("\n", 0, m.start()) + 1,
                )
            )
        )
    return found


def translation_uses() -> list[Use]:
    """Every marked string of the source, with its context and where it is used."""
    uses: list[Use] = []
    for path in sorted(SOURCE.rglob("*")):
        if "migrations" in path.parts or "locale" in path.parts or "static" in path.parts:
            continue
        if path.suffix == ".py":
            uses += _python_uses(path)
        elif path.suffix in {".html", ".txt"}:
            uses += _template_uses(path)
    return uses


def _is_short(msgid: str) -> bool:
    return 0 < len(msgid.split()) <= 3


def _bare(msgid: str) -> str:
    return msgid.strip(" .,:;!?→←").lower()


def ambiguous_uses(uses: list[Use]) -> list[Use]:
    """The uses that break the rule above."""
    bare = [use for use in uses if use[1] is None and _is_short(use[0])]
    apps: dict[str, set[str]] = {}
    for use in bare:
        apps.setdefault(use[0], set()).add(use.app)
    return [
        use
        for use in bare
        if _bare(use[0]) in AMBIGUOUS
        or (len(use[0].split()) == 1 and _bare(use[0]).endswith("ed") and len(apps[use[0]]) > 1)
    ]


def test_the_collector_finds_python_and_template_uses_with_their_contexts() -> None:
    uses = translation_uses()
    assert ("Yakutsk time", "time zone", "core/localtime.py") in {u[:3] for u in uses}
    assert ("Open", "open a notice's page") in {
        u[:2] for u in uses if u[2] == "notices/templates/notices/inbox.html"
    }
    assert any(u[0].startswith("Hello,") and u[2].endswith("invitation_message.txt") for u in uses)


def test_the_rule_catches_an_ambiguous_word_and_a_shared_participle() -> None:
    uses = [
        Use(("From", None, "core/a.py", 1)),
        Use(("From", "booking starts", "spaces/b.py", 2)),
        Use(("Filed", None, "residency/c.html", 3)),
        Use(("Filed", None, "selection/d.html", 4)),
        Use(("Verified", None, "accounts/e.html", 5)),
        Use(("Company", None, "grants/f.html", 6)),
        Use(("Company", None, "spaces/g.html", 7)),
        Use(("The report was returned for changes", None, "grants/h.txt", 8)),
    ]
    assert [u[:3] for u in ambiguous_uses(uses)] == [
        ("From", None, "core/a.py"),
        ("Filed", None, "residency/c.html"),
        ("Filed", None, "selection/d.html"),
    ]


def test_short_ambiguous_words_carry_a_context() -> None:
    found = sorted(f"{u[2]}:{u[3]} {u[0]!r}" for u in ambiguous_uses(translation_uses()))
    assert not found, "short ambiguous words without a context (use pgettext):\n" + "\n".join(found)
