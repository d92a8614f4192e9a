"""A call question's help text is typed by the park's staff and shown on every applicant's form:
it is plain text there, escaped, so staff cannot run script in a founder's browser."""

from __future__ import annotations

from technopark.selection.models import FormField
from tests.selection.fixtures_apply import fields_by_label

P = "/yakutia"
HOSTILE = '<script>alert("staff")</script>\n"><img src=x onerror=alert(1)>'


def test_staff_help_text_renders_escaped_on_the_applicants_form(client_for, apply_call, draft):
    question = fields_by_label(apply_call)["Product name"]
    manager = client_for("manager")
    answer = manager.post(
        f"{P}/calls/manage/{apply_call.pk}/form/{question.pk}/",
        {"kind": question.kind, "label": question.label, "help_text": HOSTILE, "required": "on"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert FormField.objects.get(pk=question.pk).help_text == HOSTILE  # stored verbatim

    page = client_for("founder").get(f"{P}/applications/{draft.pk}/edit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<script>alert("staff")</script>' not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;staff&quot;)&lt;/script&gt;<br>" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_help_text_the_code_marked_safe_keeps_its_markup(client, db):
    # The header lists the public parks in its switcher: the page reads the database.
    # Django's password rules are a list the code builds with format_html: still a list.
    html = client.get("/accounts/signup/").content.decode()
    assert '_helptext"><ul><li>' in html
    assert "&lt;li&gt;" not in html
