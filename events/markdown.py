"""Event descriptions are Markdown, rendered by the project's one sanitising renderer
(society/markdown.py, which the about page's texts use too)."""

from society.markdown import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS, render_markdown

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_SCHEMES", "ALLOWED_TAGS", "render_markdown"]
