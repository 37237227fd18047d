"""A notebook uploaded while the broker is down: the upload succeeds (stored,
"rendering…"), and the sweep renders it once the broker is back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import EventFactory, notebook_bytes
from tests.integration.worker import redis_unreachable
from workshops import tasks
from workshops.models import Material


@pytest.mark.django_db(transaction=True)
def test_notebook_uploaded_while_the_broker_is_down_is_kept_and_rendered_by_the_sweep(
    postgres, redis_url, committee_client, settings
):
    event = EventFactory()

    with redis_unreachable(settings):
        response = committee_client.post(
            reverse("workshops:manage_event_materials", kwargs={"slug": event.slug}),
            {
                "kind": "notebook",
                "title": "Week 1",
                "visibility": "members",
                "upload": SimpleUploadedFile("fit.ipynb", notebook_bytes()),
            },
        )

    assert response.status_code == 302
    assert Material.objects.get().rendered_at is None
    assert tasks.render_unrendered_notebooks() == 1  # what beat sends every five minutes
    assert "Fit a line" in Material.objects.get().rendered_html
