"""Reading pages as a browser would (html.parser): the forms they hold, and any live
markup someone else's text could have put there."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.factories import TEST_PASSWORD

# Attributes whose value a browser loads or follows.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Elements that user text must never become.
NEVER_INJECTED = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


class PageReader(HTMLParser):
    """Collects what is live in a page (problems) and what it shows as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        shown = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name} in {shown}")
            if name in URL_ATTRIBUTES and value:
                squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if squeezed.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"{name} with a dangerous scheme in {shown}")
            if name == "srcdoc" or (name == "http-equiv" and (value or "").lower() == "refresh"):
                self.problems.append(f"{name} in {shown}")
        values = dict(attrs)
        if tag in NEVER_INJECTED:
            self.problems.append(f"element {shown}")
        if tag == "img" and values.get("src") == "x":
            self.problems.append(f"injected image {shown}")
        if tag == "script":
            self._in_script = True
            if not values.get("src") and values.get("type") != "application/json":
                self.problems.append(f"inline script {shown}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)


@dataclass
class Page:
    problems: list[str]
    text: str


def read_page(html: str) -> Page:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return Page(reader.problems, squeeze("".join(reader.text)))


def squeeze(text: str) -> str:
    return " ".join(text.split())


# --- Headers ---------------------------------------------------------------------------


def csp_problems(response) -> list[str]:
    """What is wrong with a page's Content-Security-Policy and the headers beside it:
    script only from this site (nothing inline, no eval), no plugins, no <base>
    elsewhere, framed by nobody else; no sniffing of content types."""
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    default = directives.get("default-src")
    problems = []
    for name in ("default-src", "base-uri", "frame-ancestors"):
        if name not in directives:
            problems.append(f"no {name} in the Content-Security-Policy {policy!r}")
    for value in directives.get("script-src", default) or []:
        if value not in ("'self'", "'none'") and not value.startswith("'nonce-"):
            problems.append(f"scripts allowed from {value}")
    if directives.get("object-src", default) != ["'none'"]:
        problems.append("plugins (object-src) are not 'none'")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    return problems


# --- Forms ------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    # (name, type, value, checked) of each input; textareas and selects as inputs too.
    fields: list[tuple[str, str, str, bool]] = field(default_factory=list)
    multipart: bool = False

    @property
    def names(self) -> set[str]:
        return {name for name, *_ in self.fields}


class FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: list | None = None
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._select_multiple = False

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                values.get("action", ""),
                values.get("method", "get").lower(),
                multipart=values.get("enctype") == "multipart/form-data",
            )
            self.forms.append(self._form)
        if self._form is None or (tag in ("input", "textarea", "select") and "name" not in values):
            return
        if tag == "input":
            kind = values.get("type", "text").lower()
            self._form.fields.append((values["name"], kind, values.get("value", ""), "checked" in values))
        elif tag == "textarea":
            self._textarea = [values["name"], ""]
        elif tag == "select":
            self._select, self._select_options = values["name"], []
            self._select_multiple = "multiple" in values
        elif tag == "option" and self._select is not None:
            self._select_options.append((values.get("value", ""), "selected" in values))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "textarea", self._textarea[1].lstrip("\n"), False))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and self._select_options and not self._select_multiple:
                chosen = [next((v for v, _ in self._select_options if v), self._select_options[0][0])]
            for value in chosen:
                self._form.fields.append((self._select, "select", value, True))
            self._select = None


def forms_of(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_with(html: str, field_name: str) -> Form:
    """The page's POST form that has a field `field_name`."""
    found = [form for form in forms_of(html) if form.method == "post" and field_name in form.names]
    assert found, f"no POST form with a field {field_name!r} on the page"
    return found[0]


TEXT_TYPES = {"text", "search", "textarea", "tel"}


def filled(
    form: Form, *, text: str | None, link: Callable[[str], str] | None, keep: set[str] = frozenset(), **values
) -> dict:
    """What a person typing `text` in every text box and `link(name)` in every link
    box would send (None leaves those boxes as the page drew them): other fields
    as the page drew them, radio buttons on their first choice when none is
    chosen, `values` over all of it."""
    data: dict[str, list[str]] = {}
    radios_chosen = {name for name, kind, _, checked in form.fields if kind == "radio" and checked}
    for name, kind, value, checked in form.fields:
        if kind in ("submit", "button", "file", "image", "reset"):
            continue
        if kind in ("checkbox", "radio"):
            first_radio = kind == "radio" and name not in radios_chosen and name not in data
            if checked or first_radio:
                data.setdefault(name, []).append(value or "on")
            continue
        if name in keep or (kind in TEXT_TYPES and text is None) or (kind == "url" and link is None):
            data.setdefault(name, []).append(value)
        elif kind in TEXT_TYPES:
            data.setdefault(name, []).append(text)
        elif kind == "url":
            data.setdefault(name, []).append(link(name))
        elif kind == "password":
            data.setdefault(name, []).append(TEST_PASSWORD)
        else:
            data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    return {**data, **values}
