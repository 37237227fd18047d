from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    """A credential to check: pasted, or uploaded as a .json file. Nothing is kept."""

    text = forms.CharField(
        label=_("Paste the credential"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "font-monospace"}),
    )
    file = forms.FileField(label=_("…or upload its .json file"), required=False)

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text", "").strip(), cleaned.get("file")
        limit = settings.CREDENTIAL_UPLOAD_MAX_BYTES
        if upload is not None:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("That file is too large for a credential (at most %(size)s).") % {"size": filesizeformat(limit)}
                )
            try:
                text = upload.read().decode("utf-8").strip()
            except UnicodeDecodeError:
                raise forms.ValidationError(_("That file is not text: a credential is a .json file.")) from None
        elif len(text.encode("utf-8")) > limit:
            raise forms.ValidationError(
                _("That text is too long for a credential (at most %(size)s).") % {"size": filesizeformat(limit)}
            )
        if not text:
            raise forms.ValidationError(_("Paste a credential or choose its .json file."))
        cleaned["credential"] = text
        return cleaned
