"""/favicon.ico: browsers ask for it on every site whatever the page links to, so it is
answered (rather than a 404 in every log) with the icon under static/img, kept a month."""

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

MAX_AGE = 30 * 24 * 60 * 60


@cache
def _icon() -> bytes:
    # From the project's static folder, so that it answers before `collectstatic` too (make run).
    with open(finders.find("img/favicon.ico"), "rb") as file:
        return file.read()


@require_GET
@cache_control(public=True, max_age=MAX_AGE)
def favicon(request):
    return HttpResponse(_icon(), content_type="image/x-icon")
