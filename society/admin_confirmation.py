"""A confirmation page for the admin's actions that go through a service (cancel
events, cancel registrations, anonymise accounts), laid out as Django's own delete
confirmation but saying what will really happen."""

from collections.abc import Iterable

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.template.response import TemplateResponse


def confirmation_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    title: str,
    explanation: str,
    objects: Iterable,
    button: str,
    action: str = "",
    form: forms.Form | None = None,
) -> TemplateResponse:
    """Ask before acting on `objects`. With `action`, the page posts the selected rows
    back to the change list's action (with "post": the answer); without it, the page
    posts back to itself (a single object's delete link)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "explanation": explanation,
        "objects": list(objects),
        "button": button,
        "action": action,
        "form": form,
        "opts": model_admin.opts,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/confirm_action.html", context)
