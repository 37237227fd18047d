"""Bootstrap classes on Django form widgets, for the project's form templates."""

from django import forms, template

register = template.Library()


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def with_css_class(field, css_class: str):
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple too
        css_class = "form-check-input"
    elif isinstance(widget, forms.Select):
        css_class = "form-select"
    classes = [widget.attrs.get("class", ""), css_class]
    if field.errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


@register.filter
def described_by(field) -> str:
    """The ids of a field's help text and errors, as Django names them, for a fieldset's
    aria-describedby (Django puts none on a widget drawn in a fieldset)."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)
