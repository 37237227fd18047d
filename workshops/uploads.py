"""Upload checks by content, not by name. A failed check raises ValidationError
before anything is saved, so nothing is left on disk."""

import io
import json
import mimetypes

import nbformat
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

CONTENT_TYPES = {"slides": "application/pdf", "notebook": "application/x-ipynb+json"}


def check_upload(*, kind: str, upload) -> str:
    """Check `upload` for a material of `kind`; returns the content type to serve it with."""
    limit_mb = settings.MATERIAL_MAX_MB[kind]
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("This file is %(size)s MB; the limit for this kind is %(limit)s MB.")
            % {"size": number_format(upload.size / 1024 / 1024, 1), "limit": limit_mb}
        )
    if upload.size == 0:
        raise ValidationError(_("This file is empty."))
    if kind == "slides":
        check_pdf(upload)
    elif kind == "notebook":
        read_notebook(upload)
    upload.seek(0)
    if kind in CONTENT_TYPES:
        return CONTENT_TYPES[kind]
    # Other files (zip of code, data) are stored as they are: never unpacked here.
    guessed, _encoding = mimetypes.guess_type(upload.name or "")
    return guessed or "application/octet-stream"


def check_pdf(upload) -> None:
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        raise ValidationError(_("This is not a PDF: slides must be a PDF file (export them as PDF)."))
    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(upload.read()))
        if len(reader.pages) < 1:
            raise ValidationError(_("This PDF has no pages."))
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(_("This PDF could not be read; export it again and retry.")) from error


def read_notebook(upload) -> nbformat.NotebookNode:
    upload.seek(0)
    try:
        data = json.loads(upload.read().decode("utf-8"))
        notebook = nbformat.from_dict(data)
        nbformat.validate(notebook)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(_("This is not a Jupyter notebook: it is not valid JSON.")) from error
    except (nbformat.ValidationError, AttributeError, KeyError, TypeError) as error:
        raise ValidationError(_("This is not a valid Jupyter notebook (nbformat 4).")) from error
    if notebook.get("nbformat") != 4:
        raise ValidationError(_("Only nbformat 4 notebooks are accepted: save it with a current Jupyter."))
    return notebook
