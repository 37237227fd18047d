"""Every model of the project is in the admin, directly or inline, and its pages open."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

INLINE_ONLY = {"Profile", "SeriesSession", "StudyGroupMembership", "CoHost", "Message", "Vote"}


def project_models():
    return [
        model
        for app in ("society", "members", "events", "workshops", "proposals", "credentials")
        for model in apps.get_app_config(app).get_models()
    ]


def test_every_model_is_in_the_admin():
    missing = {m.__name__ for m in project_models() if not admin.site.is_registered(m)}

    assert missing == INLINE_ONLY


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", [m for m in project_models() if m.__name__ not in INLINE_ONLY], ids=lambda m: m.__name__
)
def test_admin_list_of_each_model_opens(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", [m for m in project_models() if m.__name__ not in INLINE_ONLY], ids=lambda m: m.__name__
)
def test_admin_add_page_of_each_model_opens_or_is_refused(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")

    assert admin_client.get(url).status_code in (200, 403)  # 403: rows made by the app, not typed in
