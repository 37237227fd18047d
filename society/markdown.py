"""Markdown written by the committee (event descriptions, the site's texts), shown as safe HTML.

markdown-it-py renders CommonMark with raw HTML turned off (it is shown as
text), then nh3 (the Ammonia sanitiser) keeps only the tags, attributes and
link schemes on the allow-list below. Two layers, so a mistake in one is not a
hole: no script, no event handler, no javascript: link, no image from another
site (the Content-Security-Policy would refuse it anyway).
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    """`text` (Markdown) as sanitised HTML. Headings start at h2: the page's h1 is the title."""
    html = _markdown.render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)
