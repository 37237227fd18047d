from celery import shared_task
from django.db import OperationalError

from . import services
from .models import Material


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_notebook(material_id: int) -> None:
    """Render an uploaded notebook once; a deleted material is nothing to do."""
    material = Material.objects.filter(pk=material_id, kind=Material.Kind.NOTEBOOK).first()
    if material is not None:
        services.render_material(material=material)
