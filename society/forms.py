from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders `{{ form }}` with the project's Bootstrap templates under templates/forms/."""

    form_template_name = "forms/form.html"
