"""Drill: a Celery worker killed (SIGKILL) in the middle of rendering a notebook.
The notebook is rendered later, by another worker and the sweep that beat sends
every five minutes, and rendered once: the task or the sweep again does nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.factories import EventFactory, notebook_bytes
from tests.integration.worker import celery_workers, wait_until
from workshops import services, tasks
from workshops.models import Material

from . import DEADLINE

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]

RENDERED = "Rendered notebook material"
TASK_RESULT = re.compile(r"Task workshops\.tasks\.(\w+)\[[\w-]+\] succeeded in [\d.]+s: (\w+)")


def test_worker_killed_while_rendering_a_notebook_leaves_it_to_be_rendered_later_once(
    postgres, own_redis, settings, tmp_path
):
    started = tmp_path / "rendering-started"
    shared = {"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)}

    with celery_workers(
        broker_url=own_redis.url,
        queue="celery",
        include="tests.integration.drills.slow_rendering",
        env={**shared, "DRILL_RENDERING_STARTED": str(started)},
    ) as (_, [doomed]):
        # Uploading queues the rendering when the row commits (no transaction here: at once).
        notebook = services.add_material(
            kind=Material.Kind.NOTEBOOK,
            title="Fitting a line",
            event=EventFactory(),
            upload=SimpleUploadedFile("fit.ipynb", notebook_bytes(), content_type="application/x-ipynb+json"),
            content_type="application/x-ipynb+json",
        )
        wait_until(started.exists, timeout=DEADLINE, message=f"the worker did not start rendering:\n{doomed.output()}")
        doomed.kill()
        doomed_log = doomed.output()
    notebook.refresh_from_db()
    left = (notebook.rendered_at, notebook.rendered_html)

    def lock_released() -> bool:
        # PostgreSQL ends the killed worker's transaction when it notices the lost connection.
        with transaction.atomic():
            return Material.objects.select_for_update(skip_locked=True).filter(pk=notebook.pk).exists()

    wait_until(lock_released, timeout=DEADLINE, message="the killed worker's lock on the notebook stayed")
    with celery_workers(broker_url=own_redis.url, queue="celery", env=shared) as (_, [worker]):
        tasks.render_unrendered_notebooks.delay()  # as beat does every five minutes
        wait_until(
            lambda: Material.objects.get(pk=notebook.pk).rendered_at,
            timeout=DEADLINE,
            message=f"not rendered:\n{worker.output()}",
        )
        rendered_at = Material.objects.get(pk=notebook.pk).rendered_at
        # The lost task delivered again, and the next sweep: nothing more to do.
        tasks.render_notebook.delay(notebook.pk)
        tasks.render_unrendered_notebooks.delay()
        wait_until(lambda: worker.output().count("succeeded in") == 3, timeout=DEADLINE, message=worker.output())
        log = worker.output()

    notebook.refresh_from_db()
    assert left == (None, "")
    assert RENDERED not in doomed_log
    assert log.count(RENDERED) == 1
    # What each task answered: the sweep rendered it, then nothing was left to render.
    assert TASK_RESULT.findall(log) == [
        ("render_unrendered_notebooks", "1"),
        ("render_notebook", "False"),
        ("render_unrendered_notebooks", "0"),
    ]
    assert notebook.rendered_at == rendered_at
    assert "Fit a line" in notebook.rendered_html
