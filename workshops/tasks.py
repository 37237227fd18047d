from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services
from .models import Material


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_notebook(material_id: int) -> bool:
    """Render an uploaded notebook once; a deleted or rendered one is nothing to do."""
    material = Material.objects.filter(pk=material_id, kind=Material.Kind.NOTEBOOK).first()
    return material is not None and services.render_material(material=material)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_unrendered_notebooks() -> int:
    """Periodic (celery beat): the notebooks a killed worker or a lost task left unrendered."""
    return services.render_unrendered_notebooks()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_host_reminders() -> int:
    """Periodic (celery beat, hourly): remind the hosts of member-led sessions whose
    materials are due and missing (each host once per session: the outbox key)."""
    return services.queue_materials_reminders(now=timezone.now())
