"""Template access to the permission predicates of ``<app>/rules.py``: one way to ask, everywhere."""

from __future__ import annotations

import importlib
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import quote

from django import template
from django.http import QueryDict
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from technopark.core.fragments import csrf_value
from technopark.parks.navigation import nav_links

register = template.Library()


@cache
def _predicate(name: str) -> Any:
    app, _, function = name.partition(".")
    module = importlib.import_module(f"technopark.{app}.rules")
    predicate = getattr(module, function)
    if not callable(predicate) or not function.startswith(("can_", "is_", "acts_", "has_")):
        raise template.TemplateSyntaxError(f"{name} is not a permission predicate")
    return predicate


@register.simple_tag
def allowed(name: str, access: Any, *args: Any) -> bool:
    """``{% allowed "companies.can_edit_company" access company as can_edit %}``."""
    if access is None:
        return False
    return bool(_predicate(name)(access, *args))


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (``page``, ``sort``, …)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("includes/section_nav.html", takes_context=True)
def section_nav(context: Any, section: str, label: str) -> dict[str, Any]:
    """``{% section_nav "spaces" _("Spaces") %}``: the section's row of links the visitor may
    open (``technopark.parks.navigation.SECTIONS``), worked out once per park, roles and language."""
    request = context.get("request")
    links = nav_links(
        getattr(request, "access", None),
        get_language(),
        getattr(request, "resolver_match", None),
        section=section,
    )
    return {"links": links, "label": label, "section": section}


def _header_tools(context: Any) -> list[str]:
    """The header's tools: the park switcher, the other languages, and the visitor's links."""
    request = context.get("request")
    park = context.get("park")
    site_urls = context.get("site_urls") or {}
    csrf_field = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">',
        csrf_value(request) if request is not None else "",
    )
    full_path = request.get_full_path() if request is not None else "/"
    parts: list[str] = []
    switcher = context.get("switcher_parks") or []
    if len(switcher) > 1:
        current = park.slug if park else None
        options = format_html_join(
            "",
            '<option value="{}" {}>{}</option>',
            ((url, "selected" if slug == current else "", name) for slug, url, name in switcher),
        )
        parts.append(
            format_html(
                '<form class="inline" action="{}" method="get" aria-label="{}">'
                '<label class="visually-hidden" for="park-switcher">{}</label>'
                '<select id="park-switcher" name="park" data-navigate>{}</select>'
                '<noscript><button type="submit">{}</button></noscript></form>',
                site_urls.get("home", "/"),
                _("Switch park"),
                pgettext("park switcher", "Park"),
                options,
                _("Go"),
            )
        )
    languages = format_html_join(
        "",
        '<button type="submit" name="language" value="{}" class="link-button" lang="{}"'
        ' data-testid="language-{}">{}</button>',
        ((code, code, code, name) for code, name in context.get("other_languages") or []),
    )
    parts.append(
        format_html(
            '<form class="inline" action="{}" method="post">{}'
            '<input name="next" type="hidden" value="{}">{}</form>',
            site_urls.get("set_language", ""),
            csrf_field,
            full_path,
            languages,
        )
    )
    user = context.get("user")
    if user is not None and user.is_authenticated:
        waiting = context.get("waiting") or {}
        if waiting.get("across_parks"):
            label = pgettext("personal page across parks", "My page")
        elif waiting.get("count"):
            label = _("Waiting (%(count)s)") % {"count": waiting["count"]}
        else:
            label = pgettext("header link to what waits for you", "Waiting")
        parts.append(
            format_html(
                '<a href="{}" class="account-link" data-testid="home-link">{}</a>',
                waiting.get("url", ""),
                label,
            )
        )
        unread = context.get("inbox_unread")
        unread = unread() if callable(unread) else unread
        inbox = _("Inbox (%(count)s)") % {"count": unread} if unread else _("Inbox")
        parts.append(
            format_html(
                '<a href="{}" class="account-link" data-testid="inbox-link">{}</a>'
                '<a href="{}" class="account-link">{}</a>'
                '<form class="inline" action="{}" method="post">{}'
                '<button type="submit" class="link-button">{}</button></form>',
                context.get("inbox_url", ""),
                inbox,
                site_urls.get("accounts_profile", ""),
                user.get_short_name(),
                site_urls.get("account_logout", ""),
                csrf_field,
                _("Sign out"),
            )
        )
    else:
        parts.append(
            format_html(
                '<a href="{}?next={}">{}</a>',
                site_urls.get("account_login", ""),
                quote(full_path, safe="/"),
                _("Sign in"),
            )
        )
    return parts


@register.simple_tag(takes_context=True)
def site_header(context: Any) -> SafeString:
    """The site's header (brand, menu, park switcher, languages, the visitor's links), written
    in Python: every page shows it, and the template engine took a third of a cached page's time
    to render it. The menu folds away on a phone without JavaScript: the checkbox opens it."""
    park = context.get("park")
    park_urls = context.get("park_urls") or {}
    links = format_html_join(
        "",
        '<li><a href="{}"{}>{}</a></li>',
        (
            (
                link["href"],
                mark_safe(' aria-current="page"') if link["current"] else "",
                link["label"],
            )
            for link in context.get("nav_links") or []
        ),
    )
    return format_html(
        '<header class="site-header"><div class="bar">'
        '<a class="brand" href="{}"><span class="brand-mark" aria-hidden="true">◆</span> {}</a>'
        '<input type="checkbox" id="site-menu-toggle" class="menu-toggle" aria-controls="site-menu">'
        '<label for="site-menu-toggle" class="menu-button" data-testid="menu-button">'
        '<span aria-hidden="true">☰</span> {}</label>'
        '<div class="menu-panel" id="site-menu">'
        '<nav class="main-nav" aria-label="{}"><ul>{}</ul></nav>'
        '<div class="tools">{}</div>'
        "</div></div></header>",
        park_urls.get("home", "/") if park else "/",
        park.display_name if park else _("Technopark"),
        pgettext("site header", "Menu"),
        _("Main"),
        links,
        mark_safe("".join(_header_tools(context))),  # noqa: S308 - each part built by format_html
    )


@register.simple_tag
def agenda_list(items: Any) -> SafeString:
    """What waits for a person in one park (``parks.agenda.Item``s, the most pressing first),
    written in Python: every member's home shows it, and the template loop cost a fifth of a
    cached home. Dates are shown in the active time zone (the park's), as ``|date`` would."""
    if not items:
        return format_html(
            '<p class="agenda-empty" data-testid="agenda-empty">{}</p>',
            _("Nothing waits for you here now."),
        )
    overdue = format_html('<span class="agenda-flag">{}</span>', pgettext("agenda item", "overdue"))
    rows = []
    for item in items:
        when = ""
        if isinstance(item.when, datetime):
            when = formats.date_format(localtime(item.when), "SHORT_DATETIME_FORMAT")
        elif isinstance(item.when, date):
            when = formats.date_format(item.when, "SHORT_DATE_FORMAT")
        rows.append(
            format_html(
                '<li class="agenda-item agenda-{}" data-kind="{}"><a href="{}">{}</a>{}{}</li>',
                item.urgency,
                item.kind,
                item.url,
                item.label,
                overdue if item.urgency == "overdue" else "",
                format_html(' <span class="muted">{}</span>', when) if when else "",
            )
        )
    return format_html(
        '<ul class="agenda" data-testid="agenda">{}</ul>',
        mark_safe("".join(rows)),  # noqa: S308 - each row built by format_html
    )
