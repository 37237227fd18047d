"""The project's form templates (templates/forms/): every label points at a control,
a group of choices is a fieldset named by its legend, and an invalid field says so and
names its error and help text (aria-invalid, aria-describedby)."""

import re

from django import forms

from society.forms import CheckboxChoices


class ExampleForm(forms.Form):
    name = forms.CharField(label="Your name", help_text="As on your student card.")
    topics = forms.MultipleChoiceField(
        label="Topics", choices=[("cv", "Computer vision"), ("nlp", "NLP")], widget=CheckboxChoices, help_text="Any."
    )
    kind = forms.ChoiceField(label="Kind", choices=[("talk", "Talk"), ("social", "Social")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree")


def test_invalid_text_field_names_its_error_and_help_text():
    html = str(ExampleForm(data={}))

    field = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_name_helptext id_name_error"' in field
    assert '<div class="form-text" id="id_name_helptext">As on your student card.</div>' in html
    assert '<div class="invalid-feedback d-block" id="id_name_error"><div>This field is required.</div></div>' in html


def test_groups_of_choices_are_fieldsets_with_a_legend_and_no_label_points_nowhere():
    html = str(ExampleForm(data={}))

    assert 'for=""' not in html
    assert re.search(r'<fieldset class="mb-3" aria-describedby="id_topics_helptext id_topics_error">\s*<legend', html)
    assert re.search(r'<fieldset class="mb-3" aria-describedby="id_kind_error">\s*<legend[^>]*>Kind</legend>', html)
    assert '<label class="form-check-label" for="id_agree">I agree</label>' in html


def test_valid_field_is_not_marked_invalid():
    html = str(ExampleForm(data={"name": "Nia", "topics": ["cv"], "kind": "talk", "agree": "on"}))

    assert "aria-invalid" not in html
    assert "_error" not in html
