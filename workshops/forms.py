from django import forms
from django.core.exceptions import ValidationError

from .models import Material
from .uploads import check_upload


class MaterialForm(forms.Form):
    """A committee upload: a file for slides, notebooks and files; a URL for links.
    The file is checked by content here, so an invalid one is never stored."""

    kind = forms.ChoiceField(choices=Material.Kind.choices)
    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=500, required=False)
    visibility = forms.ChoiceField(choices=Material.Visibility.choices, initial=Material.Visibility.MEMBERS)
    available_from = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Hidden from members until then. Empty: at once.",
    )
    upload = forms.FileField(label="File", required=False)
    url = forms.URLField(label="Link", max_length=500, required=False, assume_scheme="https")

    def clean(self):
        cleaned = super().clean()
        kind, upload, url = cleaned.get("kind"), cleaned.get("upload"), cleaned.get("url")
        if kind == Material.Kind.LINK:
            if not url:
                self.add_error("url", "A link needs its address.")
            if upload:
                self.add_error("upload", "A link has no file: choose another kind to upload one.")
        elif kind:
            if url:
                self.add_error("url", "Only links have an address; this kind needs a file.")
            if not upload:
                self.add_error("upload", "Choose the file to upload.")
            else:
                try:
                    cleaned["content_type"] = check_upload(kind=kind, upload=upload)
                except ValidationError as error:
                    self.add_error("upload", error)
        return cleaned


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Your rating", coerce=int, choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect
    )
    what_worked = forms.CharField(
        label="What worked", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_to_improve = forms.CharField(
        label="What to improve", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("what_worked", "").strip() or cleaned.get("what_to_improve", "").strip()):
            raise ValidationError("Tell us at least what worked or what to improve.")
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(label="Search workshops and materials", max_length=100, strip=True)

    def clean_q(self):
        q = "".join(ch for ch in self.cleaned_data["q"] if ch.isprintable())
        if len(q.strip()) < 2:
            raise ValidationError("Type at least two letters to search.")
        return q.strip()
