"""A notebook is rendered once: the task may run twice or beside the sweep, a
notebook being rendered elsewhere is left to that worker, and the sweep renders
what a lost task left. (tests/integration/drills/ kill a real worker midway.)"""

import threading
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django_celery_beat.models import PeriodicTask

from tests.factories import MaterialFactory
from workshops import tasks
from workshops.models import Material


def unrendered_notebook(**fields) -> Material:
    return MaterialFactory(kind=Material.Kind.NOTEBOOK, rendered_html="", rendered_at=None, **fields)


@pytest.mark.django_db
def test_render_task_renders_a_notebook_once_however_often_it_runs():
    notebook = unrendered_notebook()

    first, second = tasks.render_notebook(notebook.pk), tasks.render_notebook(notebook.pk)

    notebook.refresh_from_db()
    assert (first, second) == (True, False)
    assert "Fit a line" in notebook.rendered_html
    rendered_at = notebook.rendered_at
    assert tasks.render_unrendered_notebooks() == 0
    notebook.refresh_from_db()
    assert notebook.rendered_at == rendered_at


@pytest.mark.django_db
def test_render_task_of_a_deleted_material_does_nothing():
    notebook = unrendered_notebook()
    material_id = notebook.pk
    notebook.delete()

    assert tasks.render_notebook(material_id) is False


@pytest.mark.django_db
def test_sweep_renders_only_the_notebooks_left_unrendered():
    left = [unrendered_notebook(), unrendered_notebook()]
    done = MaterialFactory(kind=Material.Kind.NOTEBOOK)
    slides = MaterialFactory(kind=Material.Kind.SLIDES)

    rendered = tasks.render_unrendered_notebooks()

    assert rendered == 2
    assert all(Material.objects.get(pk=m.pk).rendered_at for m in left)
    assert Material.objects.get(pk=done.pk).rendered_html == "<div><p>Rendered</p></div>"
    assert Material.objects.get(pk=slides.pk).rendered_at is None


@pytest.mark.django_db(transaction=True)
def test_notebook_being_rendered_by_another_worker_is_left_to_it(postgres):
    notebook = unrendered_notebook()
    locked, release = threading.Event(), threading.Event()

    def another_worker_rendering():
        try:
            with transaction.atomic():
                Material.objects.select_for_update().get(pk=notebook.pk)
                locked.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    other = threading.Thread(target=another_worker_rendering)
    other.start()
    try:
        assert locked.wait(timeout=20)
        during = (tasks.render_notebook(notebook.pk), tasks.render_unrendered_notebooks())
    finally:
        release.set()
        other.join(timeout=20)

    assert during == (False, 0)  # neither waited for the lock nor rendered it
    assert Material.objects.get(pk=notebook.pk).rendered_at is None
    assert tasks.render_unrendered_notebooks() == 1  # that worker died without rendering it


@pytest.mark.django_db
def test_sweep_of_unrendered_notebooks_is_scheduled_every_five_minutes():
    # Data written by a migration (a transactional test may have flushed it: write it again).
    import_module("workshops.migrations.0004_notebook_render_sweep_schedule").schedule_sweep(django_apps, None)

    task = PeriodicTask.objects.get(task="workshops.tasks.render_unrendered_notebooks")

    assert (task.enabled, task.interval.every, task.interval.period) == (True, 5, "minutes")
