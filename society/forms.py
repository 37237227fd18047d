from django.forms import CheckboxSelectMultiple, RadioSelect
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders `{{ form }}` with the project's Bootstrap templates under templates/forms/."""

    form_template_name = "forms/form.html"


class CheckboxChoices(CheckboxSelectMultiple):
    """Several checkboxes in a row that wraps (topics, tags), drawn the Bootstrap way."""

    template_name = "forms/widgets/checkbox_choices.html"


class RadioChoices(RadioSelect):
    """One choice of a few, one radio a line, drawn the Bootstrap way."""

    template_name = "forms/widgets/radio_choices.html"
