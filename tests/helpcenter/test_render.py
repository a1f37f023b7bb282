"""Script and HTML in article bodies are rendered inert."""

from html.parser import HTMLParser

import pytest

from bereikbaar.helpcenter.render import render_markdown

EVIL = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg/onload=alert(1)>",
]


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("body", EVIL)
def test_markdown_cannot_carry_script(body):
    parser = Elements()
    parser.feed(render_markdown(body))
    for tag, attrs in parser.found:
        assert tag not in {"script", "img", "iframe", "svg", "div", "style"}, tag
        assert not any(name.startswith("on") or name == "style" for name in attrs), attrs
        href = (attrs.get("href") or attrs.get("src") or "").lower().strip()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), href


def test_markdown_keeps_structure_and_safe_links():
    html = render_markdown("## Kop\n\n- **vet**\n\n[contact](/contact/) [bel](tel:+31201234567)")
    assert "<h2>Kop</h2>" in html and "<strong>vet</strong>" in html
    assert 'href="/contact/"' in html and 'href="tel:+31201234567"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_article_page_renders_evil_body_inert(client, make_article):
    make_article("eng", "Eng artikel", "Hallo <script>alert('xss')</script> **daar**")
    body = client.get("/help/artikel/eng/").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body  # shown as text, not run
