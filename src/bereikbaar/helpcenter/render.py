"""Markdown → safe HTML: markdown-it-py (raw HTML off) and then nh3, stricter than mail."""

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)

TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}


def render_markdown(text: str) -> str:
    """Article body as HTML that can run no script: no raw HTML, no handlers, no images,
    only http(s)/mailto/tel links (which open without referrer)."""
    html = _MD.render(text or "")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
